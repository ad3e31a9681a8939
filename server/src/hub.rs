//! Rooms, their members, and the server-wide state every connection shares.
//!
//! Ordering rule: within a room, "store the message (get its seq), then hand it to every
//! member" and "read the catch-up's last page, then start live delivery" both run under the
//! room's `order` lock. So a member's send queue receives live messages in increasing seq, and a
//! wschat.v1 member's catch-up ends exactly where its live messages begin.

use crate::room::{Member, Room};
use crate::send_queue::SendQueue;
use crate::store::{Appended, Page, Store, StoreError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use ws_chat_protocol::Seq;

/// What a connection speaks, fixed by its handshake (see [`crate::ws_endpoint`]): the
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
    faults: broadcast::Sender<Fault>,
    refuse_until: Mutex<Option<Instant>>,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

impl Hub {
    pub fn new(store: Store, max_queue_bytes: usize, max_rooms: usize) -> Arc<Hub> {
        Arc::new(Hub {
            store,
            max_queue_bytes,
            max_rooms,
            rooms: Mutex::default(),
            next_conn_id: AtomicU64::new(1),
            faults: broadcast::channel(16).0,
            refuse_until: Mutex::default(),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
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
                send_queue: send_queue.clone(),
            },
        );
        Ok(Membership {
            hub: self.clone(),
            room,
            id,
            mode,
            send_queue,
            faults,
        })
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

    fn leave(&self, room: &Arc<Room>, id: u64) {
        let mut rooms = lock(&self.rooms);
        let mut members = lock(&room.members);
        members.remove(&id);
        let still_listed = rooms.get(&room.name).is_some_and(|r| Arc::ptr_eq(r, room));
        if members.is_empty() && still_listed {
            rooms.remove(&room.name);
        }
    }
}

/// One connection's place in a room; leaving the room happens on drop, so every way a
/// connection task can end also cleans up after it.
pub struct Membership {
    hub: Arc<Hub>,
    room: Arc<Room>,
    id: u64,
    mode: Mode,
    /// Live room messages for this connection, in seq order; overflows if it was too slow.
    send_queue: Arc<SendQueue>,
    /// Fault-injection commands.
    pub faults: broadcast::Receiver<Fault>,
}

impl Membership {
    pub fn room(&self) -> &str {
        &self.room.name
    }

    /// What this connection speaks.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// A number identifying this connection in logs.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Live room messages for this connection, in seq order; overflows once it fell too far
    /// behind.
    pub fn send_queue(&self) -> Arc<SendQueue> {
        self.send_queue.clone()
    }

    /// Stores a message durably, then (if new) delivers it to the rest of the room.
    pub async fn publish(&self, id: Option<&str>, text: &str) -> Result<Appended, StoreError> {
        let _order = self.room.order.lock().await;
        let appended = self.hub.store.append(&self.room.name, id, text).await?;
        if let Appended::New(seq) = appended {
            self.room.deliver(self.id, Some(seq), id, text);
        }
        Ok(appended)
    }

    /// Relays text that cannot go into the history to the room's plain members only.
    pub fn relay_unstored(&self, text: &str) {
        self.room.deliver(self.id, None, None, text);
    }

    /// Starts a catch-up (every `hello` does): live delivery stops and whatever is queued is
    /// dropped. All of it is in the history, so the catch-up's pages bring it again, in
    /// order, and a second `hello` cannot make a message arrive twice.
    pub fn start_catch_up(&self) {
        if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
            me.live = false;
            me.send_queue.clear();
        }
    }

    /// Reads the next page of a catch-up. The page that reaches the head makes the member live
    /// under the room's order lock, so live delivery begins right after its last message.
    /// Pages before it leave the member out of live delivery: nothing piles up in its queue
    /// while it catches up, however long that takes.
    pub async fn catch_up_page(
        &self,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let _order = self.room.order.lock().await;
        let page = self.hub.store.page(&self.room.name, after, limit).await?;
        if page.last {
            if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
                me.live = true;
            }
        }
        Ok(page)
    }

    /// An in-band connection whose client spoke plain text first (it heard no `welcome` in
    /// time and took the server for a plain one): it is a plain member from now on, live at
    /// once, so its text reaches the room and the room's text reaches it.
    pub fn become_plain(&mut self) {
        self.mode = Mode::Plain;
        if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
            me.mode = Mode::Plain;
            me.live = true;
        }
    }

    /// Whether the server is shutting down (long work checks this between steps).
    pub fn shutting_down(&self) -> bool {
        self.hub.shutdown.is_cancelled()
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(&self.room, self.id);
    }
}

/// Locks a std mutex; a panic elsewhere must not take the whole server down with it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refusal_too_long_for_an_instant_still_refuses() {
        let store = Store::open(None, 10, Duration::from_secs(1))
            .await
            .expect("store");
        let hub = Hub::new(store, 1024, 10);
        assert_eq!(hub.refuse_for(Duration::MAX), MAX_REFUSAL);
        assert!(hub.refusing());
        assert_eq!(hub.refuse_for(Duration::ZERO), Duration::ZERO);
        assert!(!hub.refusing());
    }
}
