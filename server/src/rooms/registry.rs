//! The rooms this server holds, and whether it takes new members.
//!
//! A room is held while it has members: the first connection to name it opens it, the last
//! one to leave drops it. The registry also hears a shared store's fan-out (it is the
//! [`FanOutReceiver`]), handing each message to its room and refusing members while the
//! fan-out is down.

use super::faults::{Fault, FaultInjection};
use super::member::Member;
use super::room::Room;
use super::roster::PresenceBook;
use crate::auth::{Ban, BanList};
use crate::clock::now_millis;
use crate::drain::Drain;
use crate::history::{FanOutReceiver, LiveDelivery, LiveMessage, LiveSignal, Store, StoreError};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// `--max-rooms` rooms are open (have members) and this would open one more. Every open room
/// costs memory whoever opens it, so a client cycling through room names must hit a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomsFull;

/// The rooms and the state every connection shares.
pub struct Registry {
    store: Store,
    /// Bytes queued for one member before it counts as too slow (see
    /// [`super::send_queue::SendQueue`]).
    max_queue_bytes: usize,
    /// Rooms held in memory at once; see [`RoomsFull`].
    max_rooms: usize,
    /// Rooms with at least one member: a room leaves memory with its last member.
    rooms: Mutex<HashMap<String, Arc<Room>>>,
    next_conn_id: AtomicU64,
    /// See [`Registry::accepting`].
    accepting: AtomicBool,
    faults: FaultInjection,
    /// Kicks and revocations: the admin API adds here, a shared store's fan-out too.
    bans: Arc<BanList>,
    /// Who is in each room.
    presence: PresenceBook,
    /// Whether the server is going away; see [`Registry::accepting`].
    drain: Arc<Drain>,
}

impl Registry {
    pub fn new(
        store: Store,
        max_queue_bytes: usize,
        max_rooms: usize,
        bans: Arc<BanList>,
        max_listed: usize,
        drain: Arc<Drain>,
    ) -> Arc<Registry> {
        Arc::new(Registry {
            max_queue_bytes,
            max_rooms,
            rooms: Mutex::default(),
            next_conn_id: AtomicU64::new(1),
            // Live delivery straight after an append works as soon as the store is open;
            // from a fan-out, once it has subscribed.
            accepting: AtomicBool::new(store.live_delivery() == LiveDelivery::AfterAppend),
            faults: FaultInjection::default(),
            bans,
            store,
            presence: PresenceBook::new(max_listed),
            drain,
        })
    }

    /// Adds `member` to the room named `room`, opened on first use unless `--max-rooms` rooms
    /// are already open; returns the room and the member's number in it.
    pub(super) fn admit(&self, room: &str, member: Member) -> Result<(Arc<Room>, u64), RoomsFull> {
        let mut rooms = lock(&self.rooms);
        let room = match rooms.get(room) {
            Some(open) => open.clone(),
            None if rooms.len() >= self.max_rooms => return Err(RoomsFull),
            None => {
                // Told under the lock, so the fan-out hears opens and closes in their order.
                self.store.listen(room);
                rooms
                    .entry(room.to_owned())
                    .or_insert_with(|| Arc::new(Room::new(room)))
                    .clone()
            }
        };
        let id = self.next_conn_id.fetch_add(1, Ordering::Relaxed);
        lock(&room.members).insert(id, member);
        Ok((room, id))
    }

    /// Removes member `id` from `room`, and the room with its last member.
    pub(super) fn leave(&self, room: &Arc<Room>, id: u64) {
        let mut rooms = lock(&self.rooms);
        let mut members = lock(&room.members);
        members.remove(&id);
        let still_listed = rooms.get(&room.name).is_some_and(|r| Arc::ptr_eq(r, room));
        if members.is_empty() && still_listed {
            rooms.remove(&room.name);
            self.store.forget(&room.name);
        }
    }

    /// Bytes queued for one member before it counts as too slow.
    pub fn max_queue_bytes(&self) -> usize {
        self.max_queue_bytes
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

    /// Commands to every connection, and the refusal of new ones.
    pub fn faults(&self) -> &FaultInjection {
        &self.faults
    }

    /// Whether new members are taken: whether live delivery works and the server is not
    /// draining. Live delivery works always with a store that delivers after each append;
    /// with one that delivers from a fan-out, while its subscription is up (see
    /// [`FanOutReceiver`]). Upgrades are refused, and `/readyz` answers 503, when not.
    pub fn accepting(&self) -> bool {
        self.accepting.load(Ordering::Acquire) && !self.drain.draining()
    }

    /// Whether live delivery works: the store takes messages and, with a fan-out, it is
    /// subscribed. Unlike [`Registry::accepting`], a drain does not change it.
    pub fn store_up(&self) -> bool {
        self.accepting.load(Ordering::Acquire)
    }

    /// The server's drain, which each connection enlists in.
    pub fn drain(&self) -> &Arc<Drain> {
        &self.drain
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Who is in each room.
    pub fn presence(&self) -> &PresenceBook {
        &self.presence
    }

    /// The room named `name`, if it has members here.
    pub(super) fn held(&self, name: &str) -> Option<Arc<Room>> {
        lock(&self.rooms).get(name).cloned()
    }

    /// Keeps a kick or revocation in the store (so it survives a restart, and with a shared
    /// store reaches every server), then applies it here: each signed-in connection it
    /// concerns is closed. Not applied when it cannot be kept, so the caller can say so.
    pub async fn ban(&self, ban: Ban) -> Result<(), StoreError> {
        let now = now_millis();
        self.store
            .keep_ban(&ban.to_record(), ban.until(), now)
            .await?;
        self.bans.add(ban, now);
        Ok(())
    }

    /// Reads back the kicks and revocations kept, for a server starting.
    pub async fn load_bans(&self) -> Result<usize, StoreError> {
        let now = now_millis();
        let records = self.store.bans(now).await?;
        for record in &records {
            self.bans.add_record(record, now);
        }
        Ok(records.len())
    }
}

/// A shared store's fan-out reaches the rooms here.
impl FanOutReceiver for Registry {
    fn subscribed(&self) {
        self.accepting.store(true, Ordering::Release);
    }

    /// A message for the room's members on this server, if it holds that room.
    fn message(&self, message: LiveMessage) {
        let room = lock(&self.rooms).get(&message.room).cloned();
        if let Some(room) = room {
            room.offer(&message);
        }
    }

    /// A signal for the room's members on this server, if it holds that room.
    fn signal(&self, signal: LiveSignal) {
        let room = lock(&self.rooms).get(&signal.room).cloned();
        if let Some(room) = room {
            room.deliver_signal(signal.local_sender, signal.frame, signal.to_user.as_deref());
        }
    }

    fn ban(&self, record: &str) {
        self.bans.add_record(record, now_millis());
    }

    /// What comes after the fan-out is back starts a new count in every room.
    fn unsubscribed(&self) {
        for room in lock(&self.rooms).values() {
            room.reset_delivered();
        }
        self.accepting.store(false, Ordering::Release);
    }

    /// 1013 (Try Again Later): the client comes back and catches up from the history.
    fn disconnect_all(&self) -> usize {
        self.faults.inject(Fault::Close {
            code: 1013,
            reason: "history store unavailable".into(),
        })
    }
}
