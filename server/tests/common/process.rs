//! The server binary (or the supervisor) as a child process: started, waited for until it
//! announces its address, and killed when the test drops it.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server binary (or the supervisor) as a child process.
pub struct Proc {
    pub child: Child,
    /// Stdout lines after the one that was waited for.
    pub lines: tokio::sync::mpsc::UnboundedReceiver<String>,
}

/// Starts `program` and waits for a stdout line containing `marker`; returns the process
/// and the `http://ADDR` address at the end of that line.
pub async fn spawn_until(program: &str, args: &[&str], marker: &str) -> (Proc, SocketAddr) {
    let mut child = Command::new(program)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let line = lines
                .recv()
                .await
                .expect("process ended before announcing itself");
            if line.contains(marker) {
                return address_in(&line);
            }
        }
    })
    .await
    .expect("announced in time");
    (Proc { child, lines }, addr)
}

/// The address of a `... on http://ADDR` line.
pub fn address_in(line: &str) -> SocketAddr {
    line.rsplit("http://")
        .next()
        .and_then(|a| a.trim().parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
}

/// A port free right now (for processes that must get the same port back on restart).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
