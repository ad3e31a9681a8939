//! The two ways to reach Redis: one server (`redis://HOST:PORT/DB`), or a Redis Cluster
//! named by some of its nodes (`redis+cluster://[USER:PASSWORD@]HOST:PORT,HOST:PORT,…`), from
//! which the client learns the rest and follows failovers and moved slots.
//!
//! Everything the store sends goes through [`Commands`], which routes a command by its first
//! key on a cluster: every key and channel of a room shares the room's hash tag, so one room's
//! script, and the channel it publishes on, live on one shard.

use super::store::RESPONSE_TIMEOUT;
use crate::history::error::StoreError;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClientBuilder, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{MultipleNodeRoutingInfo, ResponsePolicy, RoutingInfo};
use redis::{Cmd, Pipeline, RedisFuture, Value};
use std::time::Duration;

/// The scheme of a cluster's seed list.
const CLUSTER_SCHEME: &str = "redis+cluster://";
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

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
        let rest = rest.trim_end_matches('/');
        if rest.contains(['/', '?', '#']) {
            return Err(invalid(
                "a cluster has only database 0 and takes no options: \
                 redis+cluster://HOST:PORT,HOST:PORT",
            ));
        }
        let (credentials, hosts) = match rest.rsplit_once('@') {
            Some((user_password, hosts)) => {
                let (user, password) = user_password.split_once(':').unwrap_or(("", user_password));
                (Some((user.to_owned(), password.to_owned())), hosts)
            }
            None => (None, rest),
        };
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

    /// The command connection: connects lazily and again after every failure, so a server
    /// starts, and recovers, without Redis being there yet.
    pub fn commands(&self) -> Result<Commands, StoreError> {
        match self {
            RedisTarget::Single(client) => {
                let config = ConnectionManagerConfig::new()
                    .set_response_timeout(Some(RESPONSE_TIMEOUT))
                    .set_connection_timeout(Some(CONNECT_TIMEOUT))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_millis(500));
                let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
                Ok(Commands::Single(manager))
            }
            RedisTarget::Cluster(seeds) => {
                let client = seeds.builder().build()?;
                Ok(Commands::Cluster(
                    client.get_pending_async_connection_with_config(seeds.config()),
                ))
            }
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

    pub fn config(&self) -> ClusterConfig {
        ClusterConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT)
    }
}

/// The connection commands go on; cheap to clone, and it reconnects on its own.
#[derive(Clone)]
pub enum Commands {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Commands {
    /// Whether commands reach Redis: the server, or every master of the cluster (each holds
    /// some rooms).
    pub async fn ping(&mut self) -> redis::RedisResult<()> {
        match self {
            Commands::Single(manager) => redis::cmd("PING").query_async(manager).await,
            Commands::Cluster(cluster) => ping_every_master(cluster).await,
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

impl ConnectionLike for Commands {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Commands::Single(manager) => manager.req_packed_command(cmd),
            Commands::Cluster(cluster) => cluster.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Commands::Single(manager) => manager.req_packed_commands(pipeline, offset, count),
            Commands::Cluster(cluster) => cluster.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Commands::Single(manager) => manager.get_db(),
            Commands::Cluster(cluster) => cluster.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
