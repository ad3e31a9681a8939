//! The two ways to reach Redis: one server (`redis://HOST:PORT/DB`), or a Redis Cluster
//! named by some of its nodes (`redis+cluster://[USER:PASSWORD@]HOST:PORT,HOST:PORT,…`), from
//! which the client learns the rest and follows failovers and moved slots.
//!
//! Everything the store sends goes through [`CommandConn`], which routes a command by its
//! first key on a cluster: every key and channel of a room shares the room's hash tag (see
//! [`RedisTarget::room_tag`]), so one room's script, and the channel it publishes on, live on
//! one shard.

use crate::history::error::StoreError;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClientBuilder, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{MultipleNodeRoutingInfo, ResponsePolicy, RoutingInfo};
use redis::{Cmd, Pipeline, RedisFuture, Value};
use std::time::Duration;

/// The scheme of a cluster's seed list.
const CLUSTER_SCHEME: &str = "redis+cluster://";
/// Longest wait for Redis to answer one command. Past it the message is not acked (the
/// client sends it again, and the dedupe recognises it if it was stored after all).
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(3);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Where Redis is, as `--redis` names it.
#[derive(Clone)]
pub enum RedisTarget {
    /// One server and its database.
    Single(redis::Client),
    /// A cluster's seed nodes (always database 0).
    Cluster(ClusterSeeds),
}

/// Some nodes of a cluster, and the credentials for all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSeeds {
    pub nodes: Vec<String>,
    pub credentials: Option<(String, String)>,
}

impl RedisTarget {
    /// Reads `--redis`: `redis://…` for one server, `redis+cluster://…` for a cluster.
    pub fn parse(url: &str) -> Result<RedisTarget, StoreError> {
        let invalid = |why: &str| StoreError::new(format!("invalid --redis URL {url:?}: {why}"));
        let Some(rest) = url.strip_prefix(CLUSTER_SCHEME) else {
            return redis::Client::open(url)
                .map(RedisTarget::Single)
                .map_err(|e| invalid(&e.to_string()));
        };
        let (credentials, hosts) = match rest.rsplit_once('@') {
            Some((user_password, hosts)) => {
                let (user, password) = user_password.split_once(':').unwrap_or(("", user_password));
                let decoded = |part: &str| {
                    percent_encoding::percent_decode_str(part)
                        .decode_utf8()
                        .map(|d| d.into_owned())
                        .map_err(|_| invalid("credentials that are not UTF-8 once decoded"))
                };
                (Some((decoded(user)?, decoded(password)?)), hosts)
            }
            None => (None, rest),
        };
        let hosts = hosts.trim_end_matches('/');
        if hosts.contains(['/', '?', '#']) {
            return Err(invalid(
                "a cluster has only database 0 and takes no options: \
                 redis+cluster://HOST:PORT,HOST:PORT",
            ));
        }
        let nodes: Vec<String> = hosts.split(',').map(|h| format!("redis://{h}/")).collect();
        for (node, host) in nodes.iter().zip(hosts.split(',')) {
            if host.is_empty() {
                return Err(invalid("an empty node in the list"));
            }
            redis::Client::open(node.as_str()).map_err(|e| invalid(&format!("{host}: {e}")))?;
        }
        Ok(RedisTarget::Cluster(ClusterSeeds { nodes, credentials }))
    }

    /// The database every key and channel lives in.
    pub fn db(&self) -> i64 {
        match self {
            RedisTarget::Single(client) => client.get_connection_info().redis_settings().db(),
            RedisTarget::Cluster(_) => 0,
        }
    }

    /// The prefix of every key and channel of `room`, with the room as the hash tag. On a
    /// cluster the room is percent-encoded inside the braces (`{`, `}` and `%`), since a
    /// name with a `}` would end the tag early, or make it empty so that each key hashes
    /// apart: its script would fail across slots. One Redis keeps the names as they were.
    pub fn room_tag(&self, room: &str) -> String {
        match self {
            RedisTarget::Single(_) => format!("wschat:{{{room}}}"),
            RedisTarget::Cluster(_) => {
                let escaped = percent_encoding::utf8_percent_encode(room, TAG_ESCAPES);
                format!("wschat:{{{escaped}}}")
            }
        }
    }

    /// The command connection: connects lazily and again after every failure, so a server
    /// starts, and recovers, without Redis being there yet.
    pub fn commands(&self) -> Result<CommandConn, StoreError> {
        match self {
            RedisTarget::Single(client) => {
                let config = ConnectionManagerConfig::new()
                    .set_response_timeout(Some(RESPONSE_TIMEOUT))
                    .set_connection_timeout(Some(CONNECT_TIMEOUT))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_millis(500));
                let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
                Ok(CommandConn::Single(manager))
            }
            RedisTarget::Cluster(seeds) => Ok(CommandConn::Cluster(seeds.connect_lazily()?)),
        }
    }
}

impl ClusterSeeds {
    /// A client of the cluster; retries a command that met a failover for a few seconds,
    /// which is how long a replica takes to be promoted with a short `cluster-node-timeout`.
    pub fn builder(&self) -> ClusterClientBuilder {
        let mut builder = ClusterClientBuilder::new(self.nodes.clone())
            .retries(4)
            .min_retry_wait(100)
            .max_retry_wait(1_000);
        if let Some((user, password)) = &self.credentials {
            if !user.is_empty() {
                builder = builder.username(user);
            }
            builder = builder.password(password);
        }
        builder
    }

    /// A cluster connection that connects in the background.
    pub fn connect_lazily(&self) -> Result<ClusterConnection, StoreError> {
        let config = ClusterConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT);
        let client = self.builder().build()?;
        Ok(client.get_pending_async_connection_with_config(config))
    }
}

/// What is escaped in a room's hash tag on a cluster.
const TAG_ESCAPES: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b'{').add(b'}').add(b'%');

/// The connection commands go on; cheap to clone, and it reconnects on its own.
#[derive(Clone)]
pub enum CommandConn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl CommandConn {
    /// Whether commands reach Redis: the server, or every master of the cluster (each holds
    /// some rooms).
    pub async fn ping(&mut self) -> redis::RedisResult<()> {
        match self {
            CommandConn::Single(manager) => redis::cmd("PING").query_async(manager).await,
            CommandConn::Cluster(cluster) => ping_every_master(cluster).await,
        }
    }
}

/// Pings every master of a cluster: each holds some rooms.
pub async fn ping_every_master(cluster: &mut ClusterConnection) -> redis::RedisResult<()> {
    let every_master = RoutingInfo::MultiNode((
        MultipleNodeRoutingInfo::AllMasters,
        Some(ResponsePolicy::AllSucceeded),
    ));
    cluster
        .route_command(redis::cmd("PING"), every_master)
        .await
        .map(drop)
}

impl ConnectionLike for CommandConn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            CommandConn::Single(manager) => manager.req_packed_command(cmd),
            CommandConn::Cluster(cluster) => cluster.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            CommandConn::Single(manager) => manager.req_packed_commands(pipeline, offset, count),
            CommandConn::Cluster(cluster) => cluster.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            CommandConn::Single(manager) => manager.get_db(),
            CommandConn::Cluster(cluster) => cluster.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The part of `key` Redis Cluster hashes: what is between the first `{` and the next
    /// `}`, if that is not empty, else the whole key.
    fn hashed(key: &str) -> &str {
        key.split_once('{')
            .and_then(|(_, rest)| rest.split_once('}'))
            .map(|(tag, _)| tag)
            .filter(|tag| !tag.is_empty())
            .unwrap_or(key)
    }

    #[test]
    fn on_a_cluster_every_key_of_a_room_hashes_to_its_slot_whatever_its_name() {
        let cluster = RedisTarget::parse("redis+cluster://h:1").expect("a cluster");
        for room in ["r", "}", "}x", "a}b", "{a}", "{}", "%7D", "a b/ü"] {
            let tag = cluster.room_tag(room);
            let keys = [":seq", ":log", ":live:0", ":signals:0"].map(|k| format!("{tag}{k}"));
            assert!(
                keys.iter()
                    .all(|k| hashed(k) == hashed(&keys[0]) && hashed(k) != k),
                "{room:?}: {keys:?}"
            );
            let others = ["r", "}", "}x", "a}b", "{a}", "{}", "%7D", "a b/ü"];
            for other in others.iter().filter(|o| **o != room) {
                assert_ne!(tag, cluster.room_tag(other), "{room:?} and {other:?}");
            }
        }
        let single = RedisTarget::parse("redis://h:1/").expect("one server");
        assert_eq!(
            single.room_tag("a}b"),
            "wschat:{a}b}",
            "one Redis keeps its names"
        );
    }

    #[test]
    fn cluster_urls_name_their_seeds_and_bad_ones_say_why() {
        let Ok(RedisTarget::Cluster(seeds)) =
            RedisTarget::parse("redis+cluster://127.0.0.1:7000,127.0.0.1:7001/")
        else {
            panic!("a cluster");
        };
        assert_eq!(
            seeds.nodes,
            ["redis://127.0.0.1:7000/", "redis://127.0.0.1:7001/"]
        );
        assert_eq!(seeds.credentials, None);
        let Ok(RedisTarget::Cluster(seeds)) =
            RedisTarget::parse("redis+cluster://ann:secret@h:1,h:2")
        else {
            panic!("a cluster");
        };
        assert_eq!(seeds.credentials, Some(("ann".into(), "secret".into())));
        assert!(matches!(
            RedisTarget::parse("redis://127.0.0.1:6379/2"),
            Ok(RedisTarget::Single(_))
        ));
        assert_eq!(
            RedisTarget::parse("redis://127.0.0.1:6379/2").unwrap().db(),
            2
        );
        assert_eq!(
            RedisTarget::parse("redis+cluster://ann:p%40ss%2Fw@h:1")
                .ok()
                .and_then(|t| match t {
                    RedisTarget::Cluster(seeds) => seeds.credentials,
                    RedisTarget::Single(_) => None,
                }),
            Some(("ann".into(), "p@ss/w".into()))
        );
        for bad in [
            "redis+cluster://",
            "redis+cluster://h:1,,h:2",
            "redis+cluster://h:1/3",
            "redis+cluster://h:1?protocol=3",
            "redis+cluster://h:notaport",
            "http://h:1",
        ] {
            let Err(e) = RedisTarget::parse(bad) else {
                panic!("{bad} accepted");
            };
            assert!(e.to_string().contains("invalid --redis URL"), "{bad}: {e}");
        }
    }
}
