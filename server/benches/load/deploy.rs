//! The configurations under test, as data, and starting one: its server(s), and for the
//! Redis ones a fresh durable Redis of its own.

use crate::children::{free_port, ChildGuard, LoadResult};
use crate::cluster::start_cluster;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a configuration keeps its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// `ws-chat-server --db FILE`: SQLite on disk, every commit fsynced.
    Sqlite,
    /// `ws-chat-server --redis URL`: history, dedupe and fan-out in Redis.
    Redis,
    /// `ws-chat-server --redis redis+cluster://…`: the same in a Redis Cluster of three
    /// masters and three replicas, an append acked once a replica has it.
    RedisCluster,
    /// The Node `ws` relay of `tests/plain-server/server.mjs`: no storage, no acks.
    NodeRelay,
}

/// One configuration of the benchmark.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    /// Its name for `--only` and `--growth`.
    pub key: &'static str,
    /// Its name in the tables.
    pub label: &'static str,
    pub backend: StoreKind,
    /// Servers sharing the load; members of a room are spread over them in turn, so with
    /// two a room's fan-out crosses servers.
    pub servers: usize,
    /// More flags for each `ws-chat-server`.
    pub server_flags: &'static [&'static str],
    /// How a room's members are spread over the servers.
    pub placement: Placement,
    /// Members per room in the rate sweep: 10, or 1 to measure the store alone (a message
    /// then goes to nobody but its sender's ack).
    pub room_size: usize,
}

/// Where each connection goes when there are several servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A room's members alternate between the servers: every message crosses servers.
    SpreadMembers,
    /// Each room lives on one server (rooms alternate): servers share no room, the case
    /// per-room fan-out is for.
    WholeRooms,
}

/// Every configuration, in table order; the last is the baseline.
pub const SETUPS: [Setup; 9] = [
    Setup {
        key: "sqlite1",
        label: "SQLite, a commit per message",
        backend: StoreKind::Sqlite,
        servers: 1,
        server_flags: &["--db-batch-rows", "1"],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
    Setup {
        key: "sqlite",
        label: "SQLite, group commit",
        backend: StoreKind::Sqlite,
        servers: 1,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
    Setup {
        key: "sqlite1solo",
        label: "SQLite, a commit per message, rooms of 1",
        backend: StoreKind::Sqlite,
        servers: 1,
        server_flags: &["--db-batch-rows", "1"],
        placement: Placement::SpreadMembers,
        room_size: 1,
    },
    Setup {
        key: "sqlitesolo",
        label: "SQLite, group commit, rooms of 1",
        backend: StoreKind::Sqlite,
        servers: 1,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 1,
    },
    Setup {
        key: "redis",
        label: "Redis, 1 server",
        backend: StoreKind::Redis,
        servers: 1,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
    Setup {
        key: "redis2",
        label: "Redis, 2 servers",
        backend: StoreKind::Redis,
        servers: 2,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
    Setup {
        key: "redis2rooms",
        label: "Redis, 2 servers, disjoint rooms",
        backend: StoreKind::Redis,
        servers: 2,
        server_flags: &[],
        placement: Placement::WholeRooms,
        room_size: 10,
    },
    Setup {
        key: "cluster",
        label: "Redis Cluster (3 masters, 3 replicas), 1 server",
        backend: StoreKind::RedisCluster,
        servers: 1,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
    Setup {
        key: "node",
        label: "Node `ws` relay (baseline)",
        backend: StoreKind::NodeRelay,
        servers: 1,
        server_flags: &[],
        placement: Placement::SpreadMembers,
        room_size: 10,
    },
];

/// The programs a deployment runs.
#[derive(Debug, Clone)]
pub struct Programs {
    pub server: PathBuf,
    pub node_script: PathBuf,
    pub redis_server: PathBuf,
    /// Directory for the databases and logs (on disk, not tmpfs, so fsync costs what it does).
    pub scratch: PathBuf,
}

/// A running configuration: stopped (every process killed, files removed) on drop.
pub struct Deployment {
    /// Where clients connect, one address per server.
    pub endpoints: Vec<SocketAddr>,
    /// Whether the servers speak wschat.v1 (acks); the Node relay does not.
    pub speaks_wschat: bool,
    servers: Vec<ChildGuard>,
    /// Declared after `servers`, so the servers stop before their Redis does: one, or a
    /// cluster's nodes.
    redis: Vec<ChildGuard>,
    _dir: tempfile::TempDir,
}

impl Deployment {
    pub fn start(setup: &Setup, programs: &Programs) -> LoadResult<Deployment> {
        std::fs::create_dir_all(&programs.scratch).map_err(|e| e.to_string())?;
        let dir = tempfile::Builder::new()
            .prefix("load-")
            .tempdir_in(&programs.scratch)
            .map_err(|e| format!("scratch dir: {e}"))?;
        if matches!(setup.backend, StoreKind::Redis | StoreKind::RedisCluster)
            && !server_has_redis_flag(&programs.server)?
        {
            return Err(format!(
                "server has no --redis flag: {} was built without Redis support",
                programs.server.display()
            ));
        }
        let (redis, redis_url) = match setup.backend {
            StoreKind::Redis => {
                let (guard, port) = start_redis(&programs.redis_server, dir.path())?;
                (vec![guard], Some(format!("redis://127.0.0.1:{port}/")))
            }
            StoreKind::RedisCluster => {
                let (nodes, ports) = start_cluster(&programs.redis_server, dir.path())?;
                let seeds: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
                (nodes, Some(format!("redis+cluster://{}", seeds.join(","))))
            }
            _ => (Vec::new(), None),
        };
        let mut servers = Vec::new();
        let mut endpoints = Vec::new();
        for n in 0..setup.servers {
            let port = free_port()?;
            let (name, command) = match (setup.backend, &redis_url) {
                (StoreKind::NodeRelay, _) => {
                    let mut node = Command::new("node");
                    node.arg(&programs.node_script)
                        .env("PORT", port.to_string());
                    ("node-relay".to_owned(), node)
                }
                (_, redis_url) => {
                    let mut server = chat_server(&programs.server, port);
                    server.args(setup.server_flags);
                    match redis_url {
                        Some(url) => server.args(["--redis", url]),
                        None => server.arg("--db").arg(dir.path().join("history.sqlite3")),
                    };
                    (format!("ws-chat-server-{n}"), server)
                }
            };
            servers.push(ChildGuard::start(&name, command, dir.path(), port)?);
            endpoints.push(SocketAddr::from(([127, 0, 0, 1], port)));
        }
        Ok(Deployment {
            endpoints,
            speaks_wschat: setup.backend != StoreKind::NodeRelay,
            servers,
            redis,
            _dir: dir,
        })
    }

    /// The process ids whose memory and CPU are the server's: the server(s) or the Node
    /// relay, not Redis.
    pub fn server_pids(&self) -> Vec<u32> {
        self.servers.iter().map(ChildGuard::pid).collect()
    }

    /// The process ids of Redis (a cluster's nodes), for the configurations that have it.
    pub fn redis_pids(&self) -> Vec<u32> {
        self.redis.iter().map(ChildGuard::pid).collect()
    }

    /// What went wrong in the processes: any that died, and the first lines of each one's
    /// error log (the servers run with `RUST_LOG=warn`: a slow member closed, a store error).
    pub fn problems(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        for child in self.servers.iter_mut().chain(self.redis.iter_mut()) {
            if !child.alive() {
                notes.push(format!("{} died", child.name()));
            }
            let head = child.stderr_head(3);
            if !head.is_empty() && !child.name().starts_with("redis-") {
                notes.push(format!("{} logged: {}", child.name(), head.join(" / ")));
            }
        }
        notes
    }
}

/// `ws-chat-server` on loopback `port`, its limits raised past anything the benchmark opens,
/// so they do not shape the figures: every connection comes from 127.0.0.1, and the default
/// of 200 per address would refuse most of them (the rate limits, which count every guest on
/// one address as one sender, are off for the same reason).
fn chat_server(bin: &Path, port: u16) -> Command {
    let mut server = Command::new(bin);
    server
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--dist", "/nonexistent/ws-chat-load-bench"])
        .args(["--max-connections", "50000"])
        .args(["--max-connections-per-ip", "50000"])
        .args(["--max-rooms", "50000"])
        .args(["--message-rate", "0", "--hello-rate", "0"])
        .env("RUST_LOG", "warn");
    server
}

/// Whether `ws-chat-server --help` lists `--redis`: without it, a Redis configuration would
/// only get a usage error from the server.
fn server_has_redis_flag(bin: &Path) -> LoadResult<bool> {
    let help = Command::new(bin)
        .arg("--help")
        .output()
        .map_err(|e| format!("cannot run {} --help: {e}", bin.display()))?;
    Ok(String::from_utf8_lossy(&help.stdout).contains("--redis"))
}

/// A fresh Redis in `dir`, durable the way the product needs: every write appended to the
/// AOF and fsynced before Redis answers, no RDB snapshots (the server's own flags for it).
fn start_redis(bin: &Path, dir: &Path) -> LoadResult<(ChildGuard, u16)> {
    let port = free_port()?;
    let mut redis = Command::new(bin);
    redis.args(ws_chat_server::local_redis_server_args(port, dir));
    Ok((ChildGuard::start("redis-server", redis, dir, port)?, port))
}
