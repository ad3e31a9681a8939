//! The processes the benchmark starts (servers, Redis, the Node baseline): each one on a
//! loopback port of the benchmark's own range, stopped when its guard is dropped.
//!
//! A guard kills and reaps its process on drop, which also runs when a configuration fails
//! half-way or the benchmark panics; and each child gets `PR_SET_PDEATHSIG`, so that not even
//! a killed benchmark leaves a server or a Redis running on its ports.

use std::fs;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub type LoadResult<T> = std::result::Result<T, String>;

/// The loopback ports this benchmark may listen on (both ends inclusive).
const PORTS: (u16, u16) = (9501, 9599);
/// How long a process may take to accept connections on its port.
const READY_WITHIN: Duration = Duration::from_secs(15);

/// How many ports were handed out so far.
static HANDED_OUT: AtomicU32 = AtomicU32::new(0);

/// A free port of [`PORTS`]. Ports are handed out in turn, wrapping around, so a port a
/// stopped process has just left (and may still hold in TIME_WAIT) is the last one reused.
pub fn free_port() -> LoadResult<u16> {
    let span = u32::from(PORTS.1 - PORTS.0) + 1;
    for _ in 0..span {
        let n = HANDED_OUT.fetch_add(1, Ordering::Relaxed) % span;
        let port = PORTS.0 + u16::try_from(n).unwrap_or(0);
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!("no free port in {}-{}", PORTS.0, PORTS.1))
}

/// A running child process, killed and reaped on drop.
pub struct ChildGuard {
    name: String,
    child: Child,
    /// Its stderr, kept in a file: the reason when it exits at once, and its error log.
    stderr_path: PathBuf,
}

impl ChildGuard {
    /// Starts `command` with stdout discarded and stderr into `log_dir/NAME.stderr`, then
    /// waits until `port` on loopback accepts connections.
    pub fn start(name: &str, mut command: Command, log_dir: &Path, port: u16) -> LoadResult<Self> {
        let stderr_path = log_dir.join(format!("{name}.stderr"));
        let stderr = fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
        die_with_parent(&mut command);
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut guard = ChildGuard {
            name: name.to_owned(),
            child,
            stderr_path,
        };
        guard.wait_ready(port)?;
        Ok(guard)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_ready(&mut self, port: u16) -> LoadResult<()> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited at once ({status}): {}",
                    self.name,
                    self.stderr_head(3).join(" / ")
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > READY_WITHIN {
                return Err(format!("{} not listening on {addr} in time", self.name));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The first `n` lines the process wrote to stderr so far.
    pub fn stderr_head(&self, n: usize) -> Vec<String> {
        fs::read_to_string(&self.stderr_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(n)
            .map(str::to_owned)
            .collect()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn die_with_parent(command: &mut Command) {
    let parent = std::process::id();
    // SAFETY: between fork and exec only async-signal-safe calls are allowed; prctl and
    // getppid are. PDEATHSIG follows the thread that forked: processes are started from the
    // benchmark's main thread (the one `block_on` runs on), which lives as long as it does.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(io::Error::last_os_error());
            }
            if u32::try_from(libc::getppid()).ok() != Some(parent) {
                return Err(io::Error::other("the benchmark is gone"));
            }
            Ok(())
        });
    }
}
