//! The companion server (`ws-chat-server`) on a free loopback port, owned by a guard: it serves
//! a directory (the built app, or a test's own host page) and the chat at `/ws`.
//!
//! It can be killed outright and started again on the same port with the same history
//! ([`CompanionServer::restart`]), which is how the tests see a chat reconnect after a real
//! server crash rather than a simulated one; and it is asked how many chat connections it holds
//! (`GET /healthz`), which is how they see that a destroyed chat really closed its socket.

use crate::local::{free_port, SERVER_START_TIMEOUT};
use crate::process::Process;
use crate::url::encode_query_value;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// What to start the companion server with.
#[derive(Clone, Debug)]
pub struct CompanionOptions {
    /// The server binary (see [`crate::local::server_binary`]).
    pub binary: PathBuf,
    /// The directory served at `/`: the built app, plus any extra pages.
    pub dist: PathBuf,
    /// Mount the `/_test/*` endpoints (refuse upgrades, drop connections, count connections).
    pub fault_injection: bool,
    /// Keep the history in an SQLite file in a temporary directory owned by the server's guard,
    /// so it survives [`CompanionServer::restart`]; otherwise it is in memory.
    pub persistent_history: bool,
    /// More flags for the server (`--jwt-secret-file PATH`, say).
    pub extra_args: Vec<String>,
}

impl CompanionOptions {
    /// Serves `dist` with `binary`, history in memory, no fault injection.
    pub fn new(binary: PathBuf, dist: PathBuf) -> Self {
        CompanionOptions {
            binary,
            dist,
            fault_injection: false,
            persistent_history: false,
            extra_args: Vec::new(),
        }
    }
}

/// A running companion server.
pub struct CompanionServer {
    /// The guard: dropping the server stops it.
    pub process: Process,
    /// Where it listens (always 127.0.0.1).
    pub addr: SocketAddr,
    options: CompanionOptions,
    // Dropped after `process`, so the server never outlives its database file.
    history_dir: Option<tempfile::TempDir>,
    client: reqwest::Client,
}

impl CompanionServer {
    /// Starts the server on a free port and waits for its `listening on` line.
    pub fn start(options: &CompanionOptions) -> Result<Self> {
        if !options.dist.join("index.html").is_file() {
            bail!(
                "{} has no index.html: build the app first (scripts/bundle.sh --dist …)",
                options.dist.display()
            );
        }
        let history_dir = if options.persistent_history {
            let dir = tempfile::Builder::new()
                .prefix("ws-chat-e2e-history-")
                .tempdir()
                .context("creating a directory for the history database")?;
            Some(dir)
        } else {
            None
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let process = spawn(options, addr, history_dir.as_ref())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("building an HTTP client")?;
        Ok(CompanionServer {
            process,
            addr,
            options: options.clone(),
            history_dir,
            client,
        })
    }

    /// Kills the server outright (SIGKILL: no clean shutdown, no close frames, as in a crash)
    /// and waits until it is gone. Its port is free, and every chat sees its connection fail.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Starts the server again on the same port, with the same options and history file (kills
    /// it first if it still runs).
    pub fn restart(&mut self) -> Result<()> {
        self.process.kill();
        // The old listener is gone with the process; retry briefly in case the kernel has not
        // released the port yet.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match spawn(&self.options, self.addr, self.history_dir.as_ref()) {
                Ok(process) => {
                    self.process = process;
                    return Ok(());
                }
                Err(e) if Instant::now() >= deadline => {
                    return Err(e.context(format!("restarting the server on {}", self.addr)))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn http_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The chat endpoint for `room`: `ws://127.0.0.1:PORT/ws?room=ROOM`.
    pub fn ws_url(&self, room: &str) -> String {
        format!("ws://{}/ws?room={}", self.addr, encode_query_value(room))
    }

    /// The number of chat connections the server holds now (`GET /healthz`, field
    /// `connections`).
    pub async fn connections(&self) -> Result<u64> {
        let body = self.get("/healthz").await?;
        let health: Value = serde_json::from_str(&body)
            .with_context(|| format!("/healthz answered something other than JSON: {body:?}"))?;
        health["connections"]
            .as_u64()
            .with_context(|| format!("/healthz has no number `connections`: {body}"))
    }

    /// Polls [`CompanionServer::connections`] every 100 ms until it is `want`; fails after
    /// `timeout` with the last count.
    pub async fn wait_connections(&self, want: u64, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let now = self.connections().await?;
            if now == want {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("the server holds {now} connections {timeout:?} later, expected {want}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// POSTs to a `/_test/*` endpoint (needs `fault_injection`) and returns the answer's text.
    pub async fn post(&self, path_and_query: &str) -> Result<String> {
        self.request(
            self.client.post(self.http_url(path_and_query)),
            path_and_query,
        )
        .await
    }

    /// GETs a path and returns the answer's text.
    pub async fn get(&self, path_and_query: &str) -> Result<String> {
        self.request(
            self.client.get(self.http_url(path_and_query)),
            path_and_query,
        )
        .await
    }

    /// POSTs a JSON `body` to an admin API path (`/admin/kick`) with the admin token as its
    /// bearer (the server needs `--admin-token-file`); returns the answer's text.
    pub async fn admin(&self, path: &str, admin_token: &str, body: &str) -> Result<String> {
        let request = self
            .client
            .post(self.http_url(path))
            .bearer_auth(admin_token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        self.request(request, path).await
    }

    async fn request(&self, request: reqwest::RequestBuilder, what: &str) -> Result<String> {
        let response = request
            .send()
            .await
            .with_context(|| format!("calling {what} on the companion server"))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{what} answered {status}: {body}");
        }
        Ok(body)
    }
}

/// Starts one server process on `addr` and waits for its `listening on` line.
fn spawn(
    options: &CompanionOptions,
    addr: SocketAddr,
    history_dir: Option<&tempfile::TempDir>,
) -> Result<Process> {
    let db = history_dir.map_or_else(
        || PathBuf::from(":memory:"),
        |dir| dir.path().join("history.sqlite3"),
    );
    let mut command = Command::new(&options.binary);
    command
        .arg("--listen")
        .arg(addr.to_string())
        .arg("--dist")
        .arg(&options.dist)
        .arg("--db")
        .arg(db)
        // The tests' chats are all guests on 127.0.0.1, one sender to the rate limits, and
        // some send far faster than people do.
        .args(["--message-rate", "0", "--hello-rate", "0"])
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1");
    if options.fault_injection {
        command.arg("--fault-injection");
    }
    command.args(&options.extra_args);
    Process::spawn(
        "ws-chat-server",
        command,
        "listening on",
        SERVER_START_TIMEOUT,
    )
    .with_context(|| format!("starting {}", options.binary.display()))
}
