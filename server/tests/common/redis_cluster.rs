//! A real Redis Cluster for the `redis+cluster://` tests: three masters and three replicas,
//! each a durable [`TestRedis`] on loopback with a short `cluster-node-timeout`, joined with
//! `redis-cli --cluster create`. Killed with the test.

use super::redis_server::{cli, TestRedis};
use redis::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a node may go unheard before the others fail it over: short, so a test waits
/// seconds for a promotion.
const NODE_TIMEOUT_MS: u32 = 1_000;
const MASTERS: usize = 3;

pub struct TestCluster {
    pub nodes: Vec<TestRedis>,
}

impl TestCluster {
    /// Starts six nodes, makes them a cluster (a replica for each master) and waits until
    /// every slot is served and every master's replica is in sync (`WAIT` counts it only
    /// then). `None` when there is no
    /// `redis-server`, as for [`TestRedis::start`].
    pub fn start() -> Option<TestCluster> {
        let mut nodes = Vec::new();
        for _ in 0..2 * MASTERS {
            let node = TestRedis::start_with(|| {
                [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    &NODE_TIMEOUT_MS.to_string(),
                    "--cluster-port",
                    &super::free_port().to_string(),
                    // A replica's first sync starts at once, not after the default 5 s.
                    "--repl-diskless-sync-delay",
                    "0",
                ]
                .map(String::from)
                .into()
            })?;
            nodes.push(node);
        }
        let cluster = TestCluster { nodes };
        let addresses: Vec<String> = cluster
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let status = Command::new(cli())
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdout(Stdio::null())
            .status()
            .expect("redis-cli runs");
        assert!(status.success(), "redis-cli --cluster create");
        cluster.wait_until(
            "every slot served, every master replicated",
            TestCluster::replicated,
        );
        Some(cluster)
    }

    /// Every live node says the cluster is ok, and every master has a replica in sync.
    fn replicated(&self) -> bool {
        self.live().all(|port| {
            query::<String>(port, &["CLUSTER", "INFO"])
                .is_some_and(|info| info.contains("cluster_state:ok"))
        }) && self.masters().len() == MASTERS
            && self.masters().iter().all(|&port| {
                query::<String>(port, &["INFO", "replication"])
                    .is_some_and(|info| info.contains("state=online"))
            })
    }

    /// The seed list every node is in.
    pub fn url(&self) -> String {
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    /// The node serving `key`'s slot as master now.
    pub fn master_of(&self, key: &str) -> u16 {
        let port = self.live().next().expect("a live node");
        let slot: i64 = query(port, &["CLUSTER", "KEYSLOT", key]).expect("keyslot");
        slots(port)
            .into_iter()
            .find(|(start, end, _)| (*start..=*end).contains(&slot))
            .map(|(_, _, master)| master)
            .expect("the slot is served")
    }

    /// How many connections listen on sharded `channel`, asked of its shard's master.
    pub fn shard_listeners(&self, channel: &str) -> i64 {
        let master = self.master_of(channel);
        match query::<Vec<Value>>(master, &["PUBSUB", "SHARDNUMSUB", channel]).as_deref() {
            Some([_, Value::Int(n)]) => *n,
            other => panic!("PUBSUB SHARDNUMSUB {channel}: {other:?}"),
        }
    }

    /// SIGKILLs the node on `port`.
    pub fn kill(&mut self, port: u16) {
        self.node(port).kill();
    }

    /// Starts the node on `port` again with its files: it rejoins, as a replica if its
    /// master was failed over. Waits until every master has a replica in sync again.
    pub fn restart(&mut self, port: u16) {
        self.node(port).restart();
        self.wait_until("every master replicated again", TestCluster::replicated);
    }

    /// A manual failover (`CLUSTER FAILOVER`) to the replica on `port`: it takes its master's
    /// slots over, without any node failing. Waits until it serves them.
    /// A manual failover that cannot complete in 5 s (the master must pause and the replica
    /// catch up) is abandoned by Redis, so it is asked for again until it happens.
    pub fn fail_over_to(&self, port: u16) {
        let mut asked: Option<Instant> = None;
        self.wait_until("the manual failover", |c| {
            if asked.is_none_or(|at| at.elapsed() > Duration::from_secs(6)) {
                let answer = query::<String>(port, &["CLUSTER", "FAILOVER"]);
                assert_eq!(answer.as_deref(), Some("OK"), "CLUSTER FAILOVER on {port}");
                asked = Some(Instant::now());
            }
            c.masters().contains(&port) && c.replicated()
        });
    }

    fn node(&mut self, port: u16) -> &mut TestRedis {
        let node = self.nodes.iter_mut().find(|n| n.port == port);
        node.expect("a node of the cluster")
    }

    /// Waits until a live node other than `old` serves `key`'s slot as master.
    pub fn wait_promoted(&self, key: &str, old: u16) -> u16 {
        self.wait_until("a replica promoted", |c| {
            c.live().all(|port| {
                query::<String>(port, &["CLUSTER", "INFO"])
                    .is_some_and(|info| info.contains("cluster_state:ok"))
            }) && c.master_of(key) != old
        });
        self.master_of(key)
    }

    fn masters(&self) -> Vec<u16> {
        let port = self.live().next().expect("a live node");
        let mut masters: Vec<u16> = slots(port).into_iter().map(|(_, _, m)| m).collect();
        masters.sort_unstable();
        masters.dedup();
        masters
    }

    /// The ports of the nodes that answer.
    fn live(&self) -> impl Iterator<Item = u16> + '_ {
        self.nodes
            .iter()
            .map(|n| n.port)
            .filter(|&port| query::<String>(port, &["PING"]).is_some())
    }

    fn wait_until(&self, what: &str, mut done: impl FnMut(&TestCluster) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            if Instant::now() > deadline {
                let port = self.live().next();
                let nodes = port.and_then(|p| query::<String>(p, &["CLUSTER", "NODES"]));
                panic!("the cluster: no {what} in 30 s; CLUSTER NODES:\n{nodes:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// One command to the node on `port`; `None` when it does not answer.
fn query<T: redis::FromRedisValue>(port: u16, args: &[&str]) -> Option<T> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).ok()?;
    let mut conn = client
        .get_connection_with_timeout(Duration::from_millis(500))
        .ok()?;
    // A node that accepts and then hangs must not hold the caller past its deadline.
    conn.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    let mut cmd = redis::cmd(args[0]);
    cmd.arg(&args[1..]);
    cmd.query(&mut conn).ok()
}

/// `CLUSTER SLOTS` as the node on `port` sees it: each range with its master's port.
fn slots(port: u16) -> Vec<(i64, i64, u16)> {
    let Some(Value::Array(ranges)) = query::<Value>(port, &["CLUSTER", "SLOTS"]) else {
        return Vec::new();
    };
    ranges
        .into_iter()
        .filter_map(|range| match range {
            Value::Array(fields) => match fields.as_slice() {
                [Value::Int(start), Value::Int(end), Value::Array(master), ..] => {
                    match master.as_slice() {
                        [_, Value::Int(port), ..] => Some((*start, *end, *port as u16)),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}
