//! The servers a browser run talks to, each on a free loopback port and owned by a guard:
//! the companion server (`ws-chat-server`, which also serves the pages; in
//! [`crate::companion`]) and the Node burst server (`tests/plain-server/burst-server.mjs`, the
//! seed server plus `burst N`); and where to find them.
//!
//! Only 127.0.0.1 is ever used: the machines are shared, and nothing here should be reachable
//! from elsewhere.

pub use crate::companion::{CompanionOptions, CompanionServer};
use crate::process::Process;
use anyhow::{bail, Context, Result};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// How long a server may take to print its ready line.
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(20);

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

/// The Node burst server: answers every message with `data received`, like the seed page's
/// server, except that `burst N` makes it send N text frames `burst i/N` as fast as the socket
/// drains. `script` is `tests/plain-server/burst-server.mjs`; `node` comes from `WS_CHAT_NODE`
/// or PATH.
pub struct BurstServer {
    /// The guard: dropping the server stops it.
    pub process: Process,
    /// Where it listens (always 127.0.0.1).
    pub addr: SocketAddr,
}

impl BurstServer {
    /// Starts it on a free port and waits for its `listening on` line.
    pub fn start(script: &Path) -> Result<Self> {
        if !script.is_file() {
            bail!("no burst server script at {}", script.display());
        }
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let node = std::env::var_os("WS_CHAT_NODE").unwrap_or_else(|| "node".into());
        let mut command = Command::new(node);
        command.arg(script).env("PORT", addr.port().to_string());
        let process = Process::spawn("burst server", command, "listening on", START_TIMEOUT)
            .with_context(|| {
                format!(
                    "starting {} (needs node and tests/plain-server/node_modules: run \
                     scripts/setup.sh)",
                    script.display()
                )
            })?;
        Ok(BurstServer { process, addr })
    }

    /// `ws://127.0.0.1:PORT/`
    pub fn ws_url(&self) -> String {
        format!("ws://{}/", self.addr)
    }
}
