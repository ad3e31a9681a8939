//! Appends on a Redis Cluster, acked only once a replica has them: after the append script,
//! `WAIT 1` on the same connection, which answers once a replica confirms every write made on
//! it so far, or after [`REPLICA_TIMEOUT_MS`] with how many did.
//!
//! Redis runs nothing else from a client blocked in `WAIT`, so an append holds its
//! connection to its room's master for a replication round trip. Appends therefore go on
//! connections of their own, [`APPEND_CONNECTIONS`] of them taken in turn: that many appends
//! per master wait at once, and pages, presence and pings on the command connection are never
//! held up by a slow or missing replica.

use super::connection::ClusterSeeds;
use crate::history::error::StoreError;
use crate::metrics;
use redis::cluster_async::ClusterConnection;
use redis::ScriptInvocation;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Longest wait for a replica to confirm an append; past it the message is not acked.
pub const REPLICA_TIMEOUT_MS: u64 = 1_000;
/// Connections appends take in turn, each with its own connection to every master.
pub const APPEND_CONNECTIONS: usize = 16;

/// The connections appends go on; cheap to clone.
#[derive(Clone)]
pub struct ReplicatedAppends {
    conns: Arc<[ClusterConnection]>,
    next: Arc<AtomicUsize>,
}

impl ReplicatedAppends {
    /// Connects lazily, as the command connection does.
    pub fn open(seeds: &ClusterSeeds) -> Result<ReplicatedAppends, StoreError> {
        let conns = (0..APPEND_CONNECTIONS)
            .map(|_| seeds.connect_lazily())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReplicatedAppends {
            conns: conns.into(),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Runs the append script and waits for a replica; an append no replica confirmed in
    /// time is an error: the client sends it again, and the dedupe knows it.
    pub async fn append(
        &self,
        invocation: &ScriptInvocation<'_>,
    ) -> Result<Vec<String>, StoreError> {
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        let mut conn = self.conns[turn].clone();
        let mut pipe = redis::pipe();
        pipe.invoke_script(invocation)
            .cmd("WAIT")
            .arg(1)
            .arg(REPLICA_TIMEOUT_MS);
        let (reply, replicas): (Vec<String>, i64) = match pipe.query_async(&mut conn).await {
            Err(e) if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) => {
                invocation.load_async(&mut conn).await?;
                pipe.query_async(&mut conn).await?
            }
            other => other?,
        };
        if replicas < 1 {
            metrics::unreplicated();
            return Err(StoreError::new(
                "redis: no replica confirmed the message in time; not acked",
            ));
        }
        Ok(reply)
    }
}
