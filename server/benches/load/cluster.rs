//! The Redis Cluster of the cluster configuration: three masters and three replicas on
//! loopback, each as durable as the single Redis (the server's own flags), joined with
//! `redis-cli --cluster create`. Ready once every slot is served and every replica is in
//! sync, since before that an append's `WAIT` for a replica would fail.

use crate::children::{free_port, ChildGuard, LoadResult};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NODES: usize = 6;
const MASTERS: usize = NODES / 2;
const READY_WITHIN: Duration = Duration::from_secs(30);

/// Starts the six nodes in subdirectories of `dir`; returns them and their ports.
pub fn start_cluster(bin: &Path, dir: &Path) -> LoadResult<(Vec<ChildGuard>, Vec<u16>)> {
    let mut nodes = Vec::new();
    let mut ports = Vec::new();
    for n in 0..NODES {
        let (port, bus) = (free_port()?, free_port()?);
        let node_dir = dir.join(format!("redis-{n}"));
        std::fs::create_dir_all(&node_dir).map_err(|e| e.to_string())?;
        let mut redis = Command::new(bin);
        redis
            .args(ws_chat_server::local_redis_server_args(port, &node_dir))
            .args(["--cluster-enabled", "yes"])
            .args(["--cluster-config-file", "nodes.conf"])
            .args(["--cluster-port", &bus.to_string()])
            // A replica's first sync at once, not after the default 5 s.
            .args(["--repl-diskless-sync-delay", "0"]);
        nodes.push(ChildGuard::start(&format!("redis-{n}"), redis, dir, port)?);
        ports.push(port);
    }
    let cli = bin.with_file_name("redis-cli");
    let status = Command::new(&cli)
        .args(["--cluster", "create"])
        .args(ports.iter().map(|p| format!("127.0.0.1:{p}")))
        .args(["--cluster-replicas", "1", "--cluster-yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
    if !status.success() {
        return Err(format!("{} --cluster create failed", cli.display()));
    }
    let started = Instant::now();
    while !ready(&ports) {
        if started.elapsed() > READY_WITHIN {
            return Err(format!("the cluster was not ready within {READY_WITHIN:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((nodes, ports))
}

/// Every node says the cluster is ok, and each master has a replica in sync.
fn ready(ports: &[u16]) -> bool {
    let mut replicas_in_sync = 0;
    for &port in ports {
        let Some(state) = info(port, "CLUSTER", "INFO") else {
            return false;
        };
        if !state.contains("cluster_state:ok") {
            return false;
        }
        let replication = info(port, "INFO", "replication").unwrap_or_default();
        if replication.contains("role:master") {
            replicas_in_sync += replication.matches("state=online").count();
        }
    }
    replicas_in_sync >= MASTERS
}

fn info(port: u16, command: &str, section: &str) -> Option<String> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).ok()?;
    let mut conn = client
        .get_connection_with_timeout(Duration::from_secs(1))
        .ok()?;
    redis::cmd(command).arg(section).query(&mut conn).ok()
}
