//! The Node burst server (`tests/plain-server/burst-server.mjs`) on a free loopback port, owned
//! by a guard: the seed page's server plus `burst N`, for the browser benchmark.

use crate::local::{free_port, SERVER_START_TIMEOUT};
use crate::process::Process;
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

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
        let process = Process::spawn(
            "burst server",
            command,
            "listening on",
            SERVER_START_TIMEOUT,
        )
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
