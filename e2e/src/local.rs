//! What a run finds on this machine: free ports on 127.0.0.1, the workspace and its target
//! directory, the built app and the server binary that the environment names, whether a
//! program is there, and how long a local server may take to start.
//!
//! Only 127.0.0.1 is ever used: the machines are shared, and nothing a run starts should be
//! reachable from elsewhere.

use anyhow::{bail, Context, Result};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a server may take to print its ready line.
pub const SERVER_START_TIMEOUT: Duration = Duration::from_secs(20);

/// A port that was free on 127.0.0.1 a moment ago (bind to port 0, read it, release it).
///
/// Another process could take it before the caller binds it; on these machines that race is
/// rare, and a server that cannot bind says so in its output.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free loopback port")?;
    Ok(listener.local_addr()?.port())
}

/// The workspace root (the directory above this crate).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The built app the end-to-end tests load: `WS_CHAT_E2E_DIST` (a `scripts/bundle.sh`
/// output; a relative path is taken from the workspace root), or `None` when it is not set.
pub fn app_dist() -> Option<PathBuf> {
    std::env::var_os("WS_CHAT_E2E_DIST").map(|dir| repo_root().join(dir))
}

/// The `ws-chat-server` binary: `WS_CHAT_SERVER_BIN` if set, else the newer of the release and
/// debug builds (so a stale release build is not used after a fresh debug build, or the other
/// way round).
pub fn server_binary() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("WS_CHAT_SERVER_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let target = target_dir();
    let candidates = ["release", "debug"].map(|p| target.join(p).join("ws-chat-server"));
    let modified = |p: &PathBuf| {
        p.metadata()
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    match candidates
        .iter()
        .filter(|p| p.is_file())
        .max_by_key(|p| modified(p))
    {
        Some(bin) => Ok(bin.clone()),
        None => bail!(
            "no ws-chat-server binary in {} (build it with `cargo build --release -p \
             ws-chat-server`, or set WS_CHAT_SERVER_BIN)",
            target.display()
        ),
    }
}

/// Whether `program` can be started: a path (with a `/`) to a file, or a bare name found in a
/// directory of `PATH`, as `Command` looks it up.
pub fn is_program(program: &Path) -> bool {
    if program.components().count() > 1 {
        return program.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_by_path_or_name() {
        assert!(is_program(Path::new("sh")));
        assert!(is_program(Path::new("/bin/sh")));
        assert!(!is_program(Path::new(
            "/nonexistent/ws-chat-e2e-no-such-program"
        )));
        assert!(!is_program(Path::new("ws-chat-e2e-no-such-program")));
    }
}
