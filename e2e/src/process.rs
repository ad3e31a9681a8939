//! A child process that is killed when its guard is dropped.
//!
//! Servers and chromedriver announce readiness with a line on stdout or stderr ("listening on",
//! "started successfully"); waiting for that line, instead of sleeping or polling a port, is both
//! faster and exact. The output is drained by two threads for the whole life of the child (a
//! full pipe would stall it) and the last lines are kept, so a failure can say what the child
//! printed.
//!
//! Each child is started in its own process group and the whole group is signalled on drop:
//! chromedriver starts Chromium, which starts its helpers, and none of them must outlive us
//! (chromedriver leaves Chromium running when it is itself killed). The price: the terminal's
//! Ctrl-C no longer reaches them directly, and a process killed outright (SIGKILL) cannot run
//! the guards, so a binary should turn SIGINT/SIGTERM into dropping its guards, as
//! `browser-bench` does.

use anyhow::{bail, Context, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many output lines are kept for error messages.
const TAIL_LINES: usize = 60;

/// A running child process; dropping it terminates the child's whole process group.
pub struct Process {
    name: String,
    child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    /// Set once the child has been killed and reaped: its pid (and group id) may then belong
    /// to a stranger, so it must never be signalled again.
    reaped: bool,
}

impl Process {
    /// Starts `command` and waits up to `timeout` for a line of its output that contains
    /// `ready`. Fails, with the child's last output, if it exits or stays silent that long.
    ///
    /// Set `WS_CHAT_E2E_VERBOSE=1` to echo every line of the child's output to stderr.
    pub fn spawn(name: &str, mut command: Command, ready: &str, timeout: Duration) -> Result<Self> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {name} ({:?})", command.get_program()))?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let verbose = std::env::var_os("WS_CHAT_E2E_VERBOSE").is_some_and(|v| v != "0");
        let pipes: [Option<Box<dyn Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ];
        for pipe in pipes.into_iter().flatten() {
            let (tail, ready_tx, ready, label) = (
                tail.clone(),
                ready_tx.clone(),
                ready.to_owned(),
                name.to_owned(),
            );
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if verbose {
                        eprintln!("[{label}] {line}");
                    }
                    if line.contains(&ready) {
                        let _ = ready_tx.send(());
                    }
                    let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                    if tail.len() == TAIL_LINES {
                        tail.pop_front();
                    }
                    tail.push_back(line);
                }
            });
        }
        drop(ready_tx);
        let mut process = Process {
            name: name.to_owned(),
            child,
            tail,
            reaped: false,
        };
        let deadline = Instant::now() + timeout;
        loop {
            match ready_rx.recv_timeout(Duration::from_millis(50)) {
                Ok(()) => return Ok(process),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Both pipes closed: the child is exiting; try_wait below reports it.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(50))
                }
            }
            if let Some(status) = process.child.try_wait().ok().flatten() {
                bail!(
                    "{name} exited ({status}) before printing {ready:?}; its output:\n{}",
                    process.output_tail()
                );
            }
            if Instant::now() >= deadline {
                bail!(
                    "{name} did not print {ready:?} within {timeout:?}; its output:\n{}",
                    process.output_tail()
                );
            }
        }
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The last lines the child printed (stdout and stderr interleaved), for error messages.
    pub fn output_tail(&self) -> String {
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.iter().map(|l| format!("  {l}\n")).collect()
    }

    /// Fails with the child's output if it has exited: a server that died mid-run explains a
    /// failure better than the browser's view of it.
    pub fn check_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => bail!(
                "{} exited ({status}); its output:\n{}",
                self.name,
                self.output_tail()
            ),
            Err(e) => bail!("cannot check on {}: {e}", self.name),
        }
    }

    /// Kills the whole group at once (SIGKILL, as in a crash: no clean shutdown) and reaps the
    /// child. Does nothing the second time.
    pub fn kill(&mut self) {
        if self.reaped {
            return;
        }
        signal_group(self.child.id() as libc::pid_t, libc::SIGKILL);
        let _ = self.child.wait();
        self.reaped = true;
    }
}

impl Drop for Process {
    /// SIGTERM to the group (servers shut down cleanly), up to 2 s of grace, then SIGKILL to
    /// the group for anything left, and reap the child.
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        let group = self.child.id() as libc::pid_t;
        signal_group(group, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // A group id stays reserved while any member lives; once none does, the id could only
        // name a stranger if the pid had been handed out again within these few milliseconds.
        signal_group(group, libc::SIGKILL);
        let _ = self.child.wait();
    }
}

fn signal_group(group: libc::pid_t, signal: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid names the group we
    // created with process_group(0), whose id is the child's pid.
    unsafe {
        libc::kill(-group, signal);
    }
}
