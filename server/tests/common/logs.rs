//! The in-process server's log lines, for a test that must know the server reached a state
//! only the server sees (an append waiting for a lock) before it goes on.

use super::TIMEOUT;
use std::io;
use std::sync::OnceLock;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

/// Every line logged in this test binary, as it is written.
static LINES: OnceLock<broadcast::Sender<String>> = OnceLock::new();

/// The log lines written from now on.
pub struct Logs(broadcast::Receiver<String>);

impl Logs {
    /// Starts copying the log (the first call in a test binary installs the subscriber) and
    /// returns the lines from now on.
    pub fn watch() -> Logs {
        let lines = LINES.get_or_init(|| {
            let lines = broadcast::channel(4096).0;
            let to = lines.clone();
            let installed = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .with_writer(move || Line {
                    text: Vec::new(),
                    to: to.clone(),
                })
                .try_init();
            assert!(installed.is_ok(), "another log subscriber is installed");
            lines
        });
        Logs(lines.subscribe())
    }

    /// Waits, at most [`TIMEOUT`], for a line that contains every one of `parts`.
    pub async fn wait_for(&mut self, parts: &[&str]) -> String {
        let found = tokio::time::timeout(TIMEOUT, async {
            loop {
                match self.0.recv().await {
                    Ok(line) if parts.iter().all(|p| line.contains(p)) => return line,
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => panic!("the log closed"),
                }
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("no log line with {parts:?} in time"))
    }
}

/// One log line on its way: the formatter writes it in pieces, and it is sent whole.
struct Line {
    text: Vec<u8>,
    to: broadcast::Sender<String>,
}

impl io::Write for Line {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let _ = self
            .to
            .send(String::from_utf8_lossy(&self.text).into_owned());
    }
}
