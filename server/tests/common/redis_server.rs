//! A real Redis for the `--redis` tests: Debian's `redis-server` on a free loopback port, in a
//! temporary directory, run the way the README asks for acks to be durable (AOF with
//! `appendfsync always`, no RDB snapshots: the server's own flags for it). Killed with the
//! test.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestRedis {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// Flags past the durable ones (a cluster node's).
    extra: Vec<String>,
}

impl TestRedis {
    /// Starts Redis and waits until it answers. `None`, with the reason printed, when there is
    /// no `redis-server` to start: a first `cargo test` on a machine without it skips the Redis
    /// tests. `scripts/test.sh` sets `WS_CHAT_REDIS_REQUIRED=1` (and installs Redis), so there
    /// a missing Redis fails them instead.
    pub fn start() -> Option<TestRedis> {
        TestRedis::start_with(Vec::new)
    }

    /// [`TestRedis::start`] with more flags, made for each port tried.
    pub fn start_with(extra: impl Fn() -> Vec<String>) -> Option<TestRedis> {
        if !redis_available() {
            let required = std::env::var("WS_CHAT_REDIS_REQUIRED").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "WS_CHAT_REDIS_REQUIRED=1, but {} cannot be run",
                program()
            );
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {} cannot be run; scripts/setup.sh installs it, scripts/test.sh runs these",
                program()
            );
            return None;
        }
        // A port free when asked may be taken before Redis binds it (tests start servers and
        // connections in parallel): then another port.
        for _ in 0..5 {
            let mut redis = TestRedis {
                port: super::free_port(),
                dir: tempfile::tempdir().expect("temp dir"),
                child: None,
                extra: extra(),
            };
            if redis.launch() {
                return Some(redis);
            }
        }
        panic!("redis-server could not listen on any of 5 free ports");
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// SIGKILL: no shutdown, no last save, as in a crash or an OOM kill.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP: Redis holds its connections and answers nothing, as a hung host would.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// SIGCONT after [`TestRedis::pause`].
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, which: &str) {
        let child = self.child.as_ref().expect("running");
        let status = Command::new("kill")
            .args([which, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {which}");
    }

    /// Starts it again on the same port with the same files, and waits until it answers.
    pub fn restart(&mut self) {
        self.kill();
        assert!(self.launch(), "redis-server did not come back on its port");
    }

    /// Starts the process and waits until it answers on its port; `false` if it exited first
    /// (its port was taken) or another process answers there.
    fn launch(&mut self) -> bool {
        let program = program();
        let child = Command::new(&program)
            .args(ws_chat_server::local_redis_server_args(
                self.port,
                self.dir.path(),
            ))
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program} ({e}); scripts/setup.sh installs redis-server")
            });
        let pid = format!("process_id:{}\r\n", child.id());
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = redis::Client::open(self.url()).expect("url");
        loop {
            let conn = client.get_connection_with_timeout(Duration::from_secs(1));
            if let Ok(mut conn) = conn {
                // A process that accepts and then hangs must not hold the test.
                let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
                if let Ok(info) = redis::cmd("INFO").arg("server").query::<String>(&mut conn) {
                    if info.contains(&pid) {
                        return true;
                    }
                }
            }
            let exited = self.child.as_mut().map(|c| c.try_wait());
            if matches!(exited, Some(Ok(Some(_)))) {
                self.child = None;
                return false;
            }
            assert!(Instant::now() < deadline, "redis-server did not answer");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The Redis server binary: `WS_CHAT_REDIS_SERVER`, else `redis-server` on the PATH.
fn program() -> String {
    std::env::var("WS_CHAT_REDIS_SERVER").unwrap_or("redis-server".into())
}

/// The Redis command-line client: `redis-cli` beside the server binary.
pub fn cli() -> String {
    let server = program();
    match server.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/redis-cli"),
        None => "redis-cli".into(),
    }
}

/// Whether the Redis server binary can be run at all.
fn redis_available() -> bool {
    Command::new(program())
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
