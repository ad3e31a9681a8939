//! Draining for a restart or a deploy: which connections have been told to go, and what
//! they are told.
//!
//! On SIGTERM the server first stops looking ready (`/readyz` answers 503, upgrades are
//! refused), so a load balancer sends new clients elsewhere; then it closes its connections a
//! batch at a time with 1012 (service restart), each with a reason naming a random delay
//! ([`ws_chat_protocol::close_code::restart_reason`]), so its clients come back spread out
//! rather than all in one instant. `lib.rs` runs those steps; this module only keeps the
//! state they share with every connection, so any layer may import it.
//!
//! Each connection holds a [`Leave`]: a cancellation token of its own (a child of the
//! server's shutdown token, so a plain shutdown still reaches it) that a batch cancels, and
//! the words to close with.

use crate::sync::lock;
use axum::extract::ws::close_code;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use ws_chat_protocol::close_code::{restart_reason, SERVICE_RESTART};

/// The server's drain: whether it has begun, and the connections not yet told.
#[derive(Debug)]
pub struct Drain {
    draining: AtomicBool,
    /// The delays named to clients are spread evenly up to this.
    spread_ms: u64,
    /// Open connections not yet told to go, oldest first, by connection id.
    waiting: Mutex<BTreeMap<u64, CancellationToken>>,
    /// Keys the per-connection delay: random per process, so no client can predict or
    /// choose its place.
    keys: RandomState,
}

impl Drain {
    /// A server not draining; the delays it will name reach up to `spread`.
    pub fn new(spread: Duration) -> Arc<Drain> {
        Arc::new(Drain {
            draining: AtomicBool::new(false),
            spread_ms: u64::try_from(spread.as_millis()).unwrap_or(u64::MAX),
            waiting: Mutex::new(BTreeMap::new()),
            keys: RandomState::new(),
        })
    }

    /// Whether the drain has begun: the server is going away and takes no one new.
    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Begins the drain: from now on the server is not ready.
    pub fn begin(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// Connections open and not yet told to go.
    pub fn waiting(&self) -> usize {
        lock(&self.waiting).len()
    }

    /// Tells up to `n` of the waiting connections, oldest first, to go; returns how many were.
    pub fn close_batch(&self, n: usize) -> usize {
        let mut waiting = lock(&self.waiting);
        let mut told = 0;
        while told < n {
            let Some((_, token)) = waiting.pop_first() else {
                break;
            };
            token.cancel();
            told += 1;
        }
        told
    }

    /// Enlists connection `conn`, which also ends when `shutdown` is cancelled.
    pub fn enlist(self: &Arc<Self>, conn: u64, shutdown: &CancellationToken) -> Leave {
        let token = shutdown.child_token();
        lock(&self.waiting).insert(conn, token.clone());
        Leave {
            conn,
            token,
            drain: Arc::clone(self),
        }
    }

    /// The delay named to connection `conn`: the same for the connection however often it
    /// is asked, spread evenly over `0..=spread` across connections.
    fn delay_ms(&self, conn: u64) -> u64 {
        match self.spread_ms {
            0 => 0,
            spread => self.keys.hash_one(conn) % (spread + 1),
        }
    }
}

/// One connection's part in a drain or shutdown; leaves the drain's list when dropped.
#[derive(Debug)]
pub struct Leave {
    conn: u64,
    token: CancellationToken,
    drain: Arc<Drain>,
}

impl Leave {
    /// Completes when the connection is to close: its batch of the drain, or shutdown.
    pub async fn told(&self) {
        self.token.cancelled().await;
    }

    /// Whether the connection is to close now.
    pub fn is_told(&self) -> bool {
        self.token.is_cancelled()
    }

    /// The close to send: 1012 with a delay to come back after while draining, else 1001.
    pub fn farewell(&self) -> (u16, String) {
        if self.drain.draining() {
            (
                SERVICE_RESTART,
                restart_reason(self.drain.delay_ms(self.conn)),
            )
        } else {
            (close_code::AWAY, "server shutting down".to_owned())
        }
    }
}

impl Drop for Leave {
    fn drop(&mut self) {
        lock(&self.drain.waiting).remove(&self.conn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ws_chat_protocol::close_code::restart_delay_ms;

    #[test]
    fn batches_tell_the_oldest_first_and_a_closed_connection_leaves_the_list() {
        let drain = Drain::new(Duration::from_secs(2));
        let shutdown = CancellationToken::new();
        let mut leaves: Vec<Leave> = (1..=5).map(|c| drain.enlist(c, &shutdown)).collect();
        drop(leaves.remove(1));
        assert_eq!(drain.waiting(), 4, "connection 2 closed by itself");
        drain.begin();
        assert_eq!(drain.close_batch(3), 3);
        let told: Vec<bool> = leaves.iter().map(Leave::is_told).collect();
        assert_eq!(told, [true, true, true, false]);
        assert_eq!(drain.close_batch(3), 1);
        assert_eq!(drain.close_batch(3), 0);
    }

    #[test]
    fn a_drained_connection_is_told_to_come_back_within_the_spread_others_that_it_is_away() {
        let drain = Drain::new(Duration::from_millis(3000));
        let shutdown = CancellationToken::new();
        let leaves: Vec<Leave> = (0..200).map(|c| drain.enlist(c, &shutdown)).collect();
        assert_eq!(leaves[0].farewell().0, close_code::AWAY);
        drain.begin();
        let delays: Vec<u64> = leaves
            .iter()
            .map(|leave| {
                let (code, reason) = leave.farewell();
                assert_eq!(code, SERVICE_RESTART);
                assert_eq!(leave.farewell().1, reason, "one delay per connection");
                restart_delay_ms(&reason).expect("names a delay")
            })
            .collect();
        assert!(delays.iter().all(|&d| d <= 3000));
        let early = delays.iter().filter(|&&d| d < 1500).count();
        assert!(
            (60..140).contains(&early),
            "spread evenly: {early} of 200 early"
        );
    }

    #[test]
    fn shutdown_reaches_every_connection_without_a_drain() {
        let drain = Drain::new(Duration::ZERO);
        let shutdown = CancellationToken::new();
        let leave = drain.enlist(7, &shutdown);
        shutdown.cancel();
        assert!(leave.is_told());
        assert_eq!(
            leave.farewell(),
            (close_code::AWAY, "server shutting down".into())
        );
    }
}
