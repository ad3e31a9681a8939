//! A real Redis for the `--redis` tests: Debian's `redis-server` on a free loopback port, in a
//! temporary directory, run the way the README asks for acks to be durable (AOF with
//! `appendfsync always`, no RDB snapshots: the server's own flags for it). Killed with the
//! test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestRedis {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl TestRedis {
    /// Starts Redis and waits until it answers.
    pub fn start() -> TestRedis {
        let mut redis = TestRedis {
            port: super::free_port(),
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
        };
        redis.launch();
        redis
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
        self.launch();
    }

    fn launch(&mut self) {
        let program = std::env::var("WS_CHAT_REDIS_SERVER").unwrap_or("redis-server".into());
        let child = Command::new(&program)
            .args(ws_chat_server::local_redis_server_args(
                self.port,
                self.dir.path(),
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program} ({e}); scripts/setup.sh installs redis-server")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = redis::Client::open(self.url()).expect("url");
        loop {
            if let Ok(mut conn) = client.get_connection() {
                if redis::cmd("PING").query::<String>(&mut conn).is_ok() {
                    return;
                }
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
