//! End-to-end support for ws-chat: real servers, real headless Chromium and Firefox, driven over
//! WebDriver.
//!
//! The pieces here are shared by the browser benchmark (`browser-bench`) and the end-to-end
//! tests (`tests/`). Everything they start is owned by a guard that kills it on drop, so a test
//! or a benchmark that fails half-way leaves no chromedriver, Chromium or server behind:
//!
//! - [`Process`]: a child process that is ready once a given line appears in its output;
//! - [`local`]: free loopback ports, the workspace's paths, the built app and server binary;
//! - [`drivers`]: which browser ([`BrowserKind`], [`BrowserOptions`]) and where, and starting
//!   its WebDriver server and a session with the flags this machine needs (headless, no
//!   sandbox, no background networking: the network is closed);
//! - [`Browser`]: one browser session, Chromium or Firefox, with scripts, screenshots, and the
//!   CDP helpers (Chromium only: a script on every new document, garbage collection, raw
//!   commands);
//! - [`companion`]: the companion server, which can be killed and restarted on its port, and
//!   asked how many connections it holds;
//! - [`burst_server`]: the Node burst server of the benchmark;
//! - [`bundle`]: the wasm and JS sizes of a release build, raw and gzipped, and their budget;
//! - [`chat`]: ws-chat's DOM contract read as a user would (status, every kept message);
//! - [`site`]: a copy of the built app, with a caller's own files added, for a companion
//!   server to serve;
//! - [`page_server`]: an embedder's page on its own origin, with the headers a test chooses;
//! - [`hosted_chat`]: one of several chats on a host page, found from its host element, used
//!   as a user does (typing, clicking, Enter);
//! - [`host_styles`]: whether embedded chats leave the host page's own styles alone;
//! - [`page_memory`]: a page's JS heap after GC and ws-chat's wasm memory;
//! - [`prerequisites`]: whether a test can run here, and whether it skips or fails when it
//!   cannot (`WS_CHAT_E2E_REQUIRED=1`);
//! - [`url`]: query values for the pages' URLs;
//! - [`wait`]: bounded polling of a condition in the page.
//!
//! Errors are `anyhow` values that say what was being done; nothing here panics on an ordinary
//! failure (a missing binary, a server that does not start, a page that never gets ready).

pub mod browser;
pub mod bundle;
pub mod burst_server;
pub mod chat;
pub mod companion;
pub mod drivers;
pub mod host_styles;
pub mod hosted_chat;
pub mod local;
pub mod page_memory;
pub mod page_server;
pub mod prerequisites;
pub mod process;
pub mod site;
pub mod token_mint;
pub mod url;
pub mod wait;

pub use browser::Browser;
pub use companion::{CompanionOptions, CompanionServer};
pub use drivers::{BrowserKind, BrowserOptions};
pub use hosted_chat::HostedChat;
pub use local::{free_port, repo_root};
pub use process::Process;
pub use url::encode_query_value;

/// A short random string for names that must not collide between runs (rooms, message ids).
///
/// `RandomState` is seeded randomly per process; mixing in the time makes two calls in one
/// process differ too. Not cryptographic, and it need not be.
pub fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.write_u128(now);
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_differ() {
        assert_ne!(random_suffix(), random_suffix());
    }
}
