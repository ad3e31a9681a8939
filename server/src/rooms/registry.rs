//! Rooms, their members, and the server-wide state every connection shares.
//!
//! Ordering rule with SQLite: within a room, "store the message (get its seq), then hand it to every
//! member" and "read the catch-up's last page, then start live delivery" both run under the
//! room's `order` lock. So a member's send queue receives live messages in increasing seq, and a
//! wschat.v1 member's catch-up ends exactly where its live messages begin. With Redis the store
//! orders each room and live messages come from the fan-out in that order; see
//! [`crate::rooms::membership`].

use crate::history::redis::fanout::Published;
use crate::history::store::Store;
pub use crate::rooms::membership::Membership;
use crate::rooms::room::{Member, Room};
use crate::rooms::send_queue::SendQueue;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use ws_chat_protocol::Seq;

/// What a connection speaks, fixed by its handshake (see [`crate::ws::endpoint`]): the
/// selected sub-protocol, or the in-band query parameter when none was selected. One
/// exception: an in-band connection whose client opens with plain text heard no `welcome`
/// in time and took the server for a plain one, so it becomes a plain member (see
/// [`Membership::become_plain`]) rather than get `error` envelopes it would show as chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No sub-protocol: chat lines are bare text frames.
    Plain,
    /// `wschat.v1`: JSON envelopes.
    WsChat,
}

/// The longest fault-injected refusal of upgrades: longer than any test runs.
pub const MAX_REFUSAL: Duration = Duration::from_secs(24 * 60 * 60);

/// A command to every live connection, from the fault-injection endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Drop the TCP connection without a close frame (the browser sees 1006).
    Drop,
    /// Close properly with this code and reason.
    Close { code: u16, reason: String },
}

/// `--max-rooms` rooms are open (have members) and this would open one more. Every open room
/// costs memory whoever opens it, so a client cycling through room names must hit a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomsFull;

/// State shared by the whole server.
pub struct Hub {
    store: Store,
    /// Bytes queued for one member before it counts as too slow (see [`SendQueue`]).
    max_queue_bytes: usize,
    /// Rooms held in memory at once; see [`RoomsFull`].
    max_rooms: usize,
    /// Rooms with at least one member: a room leaves memory with its last member.
    rooms: Mutex<HashMap<String, Arc<Room>>>,
    next_conn_id: AtomicU64,
    /// See [`Hub::store_ready`].
    store_ready: AtomicBool,
    faults: broadcast::Sender<Fault>,
    refuse_until: Mutex<Option<Instant>>,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

impl Hub {
    pub fn new(store: Store, max_queue_bytes: usize, max_rooms: usize) -> Arc<Hub> {
        Arc::new(Hub {
            max_queue_bytes,
            max_rooms,
            rooms: Mutex::default(),
            next_conn_id: AtomicU64::new(1),
            // SQLite is ready once open; Redis once the fan-out has subscribed.
            store_ready: AtomicBool::new(matches!(store, Store::Sqlite(_))),
            faults: broadcast::channel(16).0,
            refuse_until: Mutex::default(),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            store,
        })
    }

    /// Adds a connection to a room, created on first use unless `--max-rooms` rooms are
    /// already open.
    pub fn join(self: &Arc<Self>, room: &str, mode: Mode) -> Result<Membership, RoomsFull> {
        let mut rooms = lock(&self.rooms);
        let room = match rooms.get(room) {
            Some(open) => open.clone(),
            None if rooms.len() >= self.max_rooms => return Err(RoomsFull),
            None => rooms
                .entry(room.to_owned())
                .or_insert_with(|| Arc::new(Room::new(room)))
                .clone(),
        };
        let id = self.next_conn_id.fetch_add(1, Ordering::Relaxed);
        let send_queue = Arc::new(SendQueue::new(self.max_queue_bytes));
        // Subscribe before becoming visible so a fault counted for this member reaches it.
        let faults = self.faults.subscribe();
        lock(&room.members).insert(
            id,
            Member {
                mode,
                // Plain peers have no catch-up: they are live at once. wschat.v1 peers go live
                // with their first `hello`, right after their catch-up.
                live: mode == Mode::Plain,
                after: 0,
                send_queue: send_queue.clone(),
            },
        );
        Ok(Membership::new(
            self.clone(),
            room,
            id,
            mode,
            send_queue,
            faults,
        ))
    }

    /// Rooms in memory (a room is dropped when its last member leaves).
    pub fn rooms(&self) -> usize {
        lock(&self.rooms).len()
    }

    /// Live WebSocket connections, in one room or in all.
    pub fn connections(&self, room: Option<&str>) -> usize {
        let rooms = lock(&self.rooms);
        match room {
            Some(name) => rooms.get(name).map_or(0, |r| lock(&r.members).len()),
            None => rooms.values().map(|r| lock(&r.members).len()).sum(),
        }
    }

    /// Sends a fault to every live connection; returns how many will act on it.
    pub fn inject(&self, fault: Fault) -> usize {
        self.faults.send(fault).unwrap_or(0)
    }

    /// Refuse upgrades (503) from now until `duration`, at most [`MAX_REFUSAL`], has passed;
    /// returns the duration used. Unclamped, a duration past what the platform's `Instant`
    /// can add would refuse nothing at all, when a huge value means "refuse until told
    /// otherwise".
    pub fn refuse_for(&self, duration: Duration) -> Duration {
        let duration = duration.min(MAX_REFUSAL);
        *lock(&self.refuse_until) = Instant::now().checked_add(duration);
        duration
    }

    /// Whether upgrades are being refused right now.
    pub fn refusing(&self) -> bool {
        lock(&self.refuse_until).is_some_and(|until| Instant::now() < until)
    }

    /// Cancelled when the server shuts down: connections then close with 1001.
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Tracks connection tasks so shutdown can wait for them to end.
    pub fn tasks(&self) -> &TaskTracker {
        &self.tasks
    }

    /// Whether the store can take messages: always with SQLite; with Redis, while the fan-out
    /// subscription is up (see [`crate::history::redis::fanout`]). Upgrades are refused when it cannot.
    pub fn store_ready(&self) -> bool {
        self.store_ready.load(Ordering::Acquire)
    }

    pub fn set_store_ready(&self, ready: bool) {
        if !ready {
            for room in lock(&self.rooms).values() {
                room.reset_delivered();
            }
        }
        self.store_ready.store(ready, Ordering::Release);
    }

    /// A message from the shared store's fan-out, for the room's members on this server if it
    /// has any. `server` is this server's number: its own sender is skipped.
    pub fn offer(&self, seq: Seq, published: &Published, server: u64) {
        let room = lock(&self.rooms).get(&published.room).cloned();
        if let Some(room) = room {
            let sender = (published.server == server).then_some(published.conn);
            room.offer(seq, sender, published);
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn leave(&self, room: &Arc<Room>, id: u64) {
        let mut rooms = lock(&self.rooms);
        let mut members = lock(&room.members);
        members.remove(&id);
        let still_listed = rooms.get(&room.name).is_some_and(|r| Arc::ptr_eq(r, room));
        if members.is_empty() && still_listed {
            rooms.remove(&room.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refusal_too_long_for_an_instant_still_refuses() {
        let store = crate::history::sqlite::SqliteStore::open(None, 10, Duration::from_secs(1))
            .await
            .map(Store::Sqlite)
            .expect("store");
        let hub = Hub::new(store, 1024, 10);
        assert_eq!(hub.refuse_for(Duration::MAX), MAX_REFUSAL);
        assert!(hub.refusing());
        assert_eq!(hub.refuse_for(Duration::ZERO), Duration::ZERO);
        assert!(!hub.refusing());
    }
}
