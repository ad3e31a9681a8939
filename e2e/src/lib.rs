//! End-to-end support for ws-chat: real servers, real headless Chromium and Firefox, driven over
//! WebDriver.
//!
//! The pieces here are shared by the browser benchmark (`browser-bench`) and the end-to-end
//! tests (`tests/`). Everything they start is owned by a guard that kills it on drop, so a test
//! or a benchmark that fails half-way leaves no chromedriver, Chromium or server behind:
//!
//! - [`Process`]: a child process that is ready once a given line appears in its output;
//! - [`Browser`]: a WebDriver server plus one browser session, Chromium or Firefox
//!   ([`BrowserKind`]), with the flags this machine needs (headless, no sandbox, no background
//!   networking: the network is closed; see [`drivers`]), screenshots, and the CDP helpers
//!   (Chromium only: a script on every new document, garbage collection, raw commands);
//! - [`chat`]: ws-chat's DOM contract read as a user would (status, every kept message);
//! - [`companion`]: the companion server, which can be killed and restarted on its port, and
//!   asked how many connections it holds;
//! - [`hosted_chat`]: one of several chats on a host page, found from its host element, used
//!   as a user does (typing, clicking, Enter);
//! - [`host_styles`]: whether embedded chats leave the host page's own styles alone;
//! - [`page_memory`]: a page's JS heap after GC and ws-chat's wasm memory;
//! - [`servers`]: the Node burst server, free loopback ports, paths;
//! - [`wait`]: bounded polling of a condition in the page.
//!
//! Errors are `anyhow` values that say what was being done; nothing here panics on an ordinary
//! failure (a missing binary, a server that does not start, a page that never gets ready).

pub mod browser;
pub mod chat;
pub mod companion;
pub mod drivers;
pub mod host_styles;
pub mod hosted_chat;
pub mod page_memory;
pub mod process;
pub mod servers;
pub mod wait;

pub use browser::{Browser, BrowserKind, BrowserOptions};
pub use hosted_chat::HostedChat;
pub use process::Process;
pub use servers::{free_port, repo_root, CompanionServer};

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

/// `s` percent-encoded for use as one query parameter value (RFC 3986 unreserved kept).
///
/// Needed for `?ws=ws://host/ws?room=x`: the inner `?`, `=` and `&` must not be read as the
/// page's own query.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("ws://127.0.0.1:9/ws?room=a b"),
            "ws%3A%2F%2F127.0.0.1%3A9%2Fws%3Froom%3Da%20b"
        );
    }

    #[test]
    fn suffixes_differ() {
        assert_ne!(random_suffix(), random_suffix());
    }
}
