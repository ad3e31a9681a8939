//! One case's server: a fresh release `ws-chat-server` child process on a free loopback port
//! with an in-memory history, sampled from `/proc` while the case runs.
//!
//! A fresh server per case keeps the cases apart: memory one case leaves behind (allocators
//! rarely hand it back) or connections it never closes cannot inflate the next one's figures.

use crate::client::AbuseResult;
use crate::procfs::{self, ProcessStats, Stuck};
use crate::report::Row;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// How often memory and connections are read during a case.
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// How long the server may take to let go of connections once the clients have gone.
const SETTLE: Duration = Duration::from_secs(5);

pub struct Run {
    child: Child,
    pub pid: u32,
    pub addr: SocketAddr,
    idle_kib: u64,
    stats: Arc<Mutex<ProcessStats>>,
    sampler: Option<JoinHandle<()>>,
    stuck: Option<Stuck>,
}

impl Run {
    /// Starts the server and waits for its `listening on http://ADDR` line.
    pub async fn start(bin: &Path) -> AbuseResult<Run> {
        Run::start_with(bin, &[]).await
    }

    /// [`Run::start`] with more flags.
    pub async fn start_with(bin: &Path, flags: &[&str]) -> AbuseResult<Run> {
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
            // Every client of the benchmark is a guest on 127.0.0.1, one sender to the rate
            // limits: off, so the figures stay those of the other defences.
            .args(["--message-rate", "0", "--hello-rate", "0"])
            .args(flags)
            .args(["--dist", "/nonexistent/ws-chat-abuse-bench"])
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let pid = child.id().ok_or("server exited at once")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let announce = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .map_err(|_| "server did not announce itself in 10 s".to_owned())?
            .map_err(|e| e.to_string())?
            .ok_or("server exited before listening")?;
        let addr = announce
            .rsplit("http://")
            .next()
            .and_then(|a| a.trim().parse().ok())
            .ok_or_else(|| format!("no address in {announce:?}"))?;
        Ok(Run {
            child,
            pid,
            addr,
            idle_kib: 0,
            stats: Arc::default(),
            sampler: None,
            stuck: None,
        })
    }

    pub fn rss_kib(&self) -> u64 {
        procfs::rss_kib(self.pid).unwrap_or(0)
    }

    /// Lets the server settle, records its idle RSS, and starts sampling.
    pub async fn begin(&mut self) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.idle_kib = self.rss_kib();
        let (stats, pid) = (self.stats.clone(), self.pid);
        self.sampler = Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            loop {
                tick.tick().await;
                let alive = lock(&stats).sample(pid);
                if !alive {
                    return;
                }
            }
        }));
    }

    /// Watches a client that stopped reading at `since`, to see when the server drops it.
    pub fn watch(&self, port: u16, since: Instant) {
        lock(&self.stats).watch(port, since);
    }

    /// Waits until the server has closed every watched connection, or until `deadline`;
    /// then records what became of them and stops watching.
    pub async fn wait_stuck(&mut self, deadline: Instant) {
        while Instant::now() < deadline && lock(&self.stats).still_open() > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.stuck = lock(&self.stats).take_stuck(Instant::now());
    }

    /// The server's open connections right now.
    pub fn connections(&self) -> usize {
        procfs::established_remote_ports(self.pid).len()
    }

    /// Ends the case once its clients are gone: waits for the server to let go of their
    /// connections, takes the last figures and stops the server. The caller names the row.
    pub async fn end(mut self, mut notes: Vec<String>) -> Row {
        let gone = Instant::now();
        while self.connections() > 0 && gone.elapsed() < SETTLE {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after_kib = procfs::rss_kib(self.pid);
        let conns_after = self.connections();
        if let Some(sampler) = self.sampler.take() {
            sampler.abort();
        }
        if after_kib.is_none() {
            notes.push("the server process died during the case".into());
        }
        let (peak_kib, conns_during) = {
            let stats = lock(&self.stats);
            (stats.peak_rss_kib, stats.peak_conns)
        };
        let row = Row {
            case: String::new(),
            idle_kib: self.idle_kib,
            peak_kib: peak_kib.max(after_kib.unwrap_or(0)),
            after_kib,
            conns_during,
            conns_after,
            stuck: self.stuck,
            notes,
            failed: false,
        };
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        row
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
