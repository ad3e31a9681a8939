//! One connection's membership of a room: what it sends goes through here into the store and
//! out to the room, and its catch-up hands over to live delivery here.
//!
//! The store says how live delivery is ordered ([`LiveDelivery`]). When it delivers after each
//! append, the room's `order` lock orders everything. When it delivers from a fan-out, the
//! store itself orders each room's messages, live delivery comes from the fan-out, and
//! [`Room::go_live`] hands a catch-up over to it.

use super::faults::Fault;
use super::member::{Dialect, Member};
use super::registry::{Registry, RoomsFull};
use super::room::{GoLive, Room};
use super::send_queue::SendQueue;
use crate::clock::now_millis;
use crate::history::{
    Appended, Author, CatchUpPage, LiveDelivery, NewMessage, OlderPage, StoreError,
};
use crate::sync::lock;
use std::sync::Arc;
use tokio::sync::broadcast;
use ws_chat_protocol::{Millis, Seq};

/// One connection's place in a room; leaving the room happens on drop, so every way a
/// connection task can end also cleans up after it.
pub struct Membership {
    registry: Arc<Registry>,
    room: Arc<Room>,
    id: u64,
    dialect: Dialect,
    /// Who this connection is, attached to what it sends from then on: the name from its
    /// latest `hello` (already cleaned) or its token, its user id when signed in, whether it
    /// is a guest. Plain members never have a name.
    author: Author,
    /// Live room messages for this connection, in seq order; overflows if it was too slow.
    send_queue: Arc<SendQueue>,
    /// Fault-injection commands.
    pub faults: broadcast::Receiver<Fault>,
    /// The room was last told this connection is typing: leaving tells it that stopped.
    typing: bool,
    /// Who this connection is in the room's presence, once it said hello.
    present_as: Option<String>,
    /// See [`Membership::watch`].
    watching: bool,
}

impl Membership {
    /// Adds a connection that speaks `dialect` to the room named `room`, opened on first use
    /// unless `--max-rooms` rooms are already open.
    pub fn join(
        registry: &Arc<Registry>,
        room: &str,
        dialect: Dialect,
    ) -> Result<Membership, RoomsFull> {
        let send_queue = Arc::new(SendQueue::new(registry.max_queue_bytes()));
        // Subscribed before the member is visible, so a fault counted for it reaches it.
        let faults = registry.faults().subscribe();
        let member = Member::joining(dialect, send_queue.clone());
        let (room, id) = registry.admit(room, member)?;
        Ok(Membership {
            registry: registry.clone(),
            room,
            id,
            dialect,
            author: Author::default(),
            send_queue,
            faults,
            typing: false,
            present_as: None,
            watching: false,
        })
    }

    pub fn room(&self) -> &str {
        &self.room.name
    }

    /// Completes once the room's live delivery works on this server (with a shared store, once
    /// the fan-out listens to the room); before that, a member could miss a message stored
    /// after its catch-up.
    pub async fn ready_for_live(&self) -> Result<(), StoreError> {
        self.registry.store().ready(&self.room.name).await
    }

    /// What this connection speaks.
    pub fn dialect(&self) -> Dialect {
        self.dialect
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

    /// Sets who this connection's later messages are from.
    pub fn set_author(&mut self, author: Author) {
        if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
            me.user = author.user.clone();
        }
        self.author = author;
    }

    /// Stores a message durably, with this member's name and the server's time, then (if new)
    /// delivers it to the rest of the room: directly, or through the store's fan-out (see
    /// [`LiveDelivery`]). Returns what was stored and the time it carries.
    pub async fn publish(
        &self,
        id: Option<&str>,
        text: &str,
    ) -> Result<(Appended, Millis), StoreError> {
        let author = &self.author;
        let store = self.registry.store();
        let message = |ts| NewMessage {
            room: &self.room.name,
            id,
            text,
            author,
            ts,
            conn: self.id,
            deletes: None,
        };
        match store.live_delivery() {
            LiveDelivery::AfterAppend => {
                let _order = self.room.order.lock().await;
                let ts = now_millis();
                let appended = store.append(message(ts)).await?;
                if let Appended::New(seq) = appended {
                    self.room
                        .deliver(Some(self.id), Some((seq, ts)), id, author, text);
                }
                Ok((appended, ts))
            }
            LiveDelivery::FromFanOut => {
                let ts = now_millis();
                let appended = store.append(message(ts)).await?;
                Ok((appended, ts))
            }
        }
    }

    /// Deletes the room's message at `of` (the caller checked the right): its text goes from
    /// the history, and a tombstone is stored after it and delivered to every live member,
    /// this connection included, which sees its deletion as the others do. Returns what the
    /// store did ([`Appended::NoSuchMessage`], [`Appended::AlreadyDeleted`] when it did not).
    pub async fn delete(&self, of: Seq) -> Result<Appended, StoreError> {
        let store = self.registry.store();
        let message = |ts| NewMessage {
            room: &self.room.name,
            id: None,
            text: "",
            author: &self.author,
            ts,
            // No connection: a fan-out then hands the tombstone to every member here.
            conn: 0,
            deletes: Some(of),
        };
        match store.live_delivery() {
            LiveDelivery::AfterAppend => {
                let _order = self.room.order.lock().await;
                let appended = store.append(message(now_millis())).await?;
                if let Appended::New(seq) = appended {
                    self.room.deliver_deletion(seq, of);
                }
                Ok(appended)
            }
            LiveDelivery::FromFanOut => store.append(message(now_millis())).await,
        }
    }

    /// The room's stored messages before `before` (before the newest for `None`), at most
    /// `limit`: a reader scrolling back. Read from the store alone, so it neither waits for
    /// nor changes live delivery.
    pub async fn older(&self, before: Option<Seq>, limit: usize) -> Result<OlderPage, StoreError> {
        self.registry
            .store()
            .older(&self.room.name, before, limit)
            .await
    }

    /// Relays text that cannot go into the history to the room's plain members only.
    pub fn relay_unstored(&self, text: &str) {
        self.room
            .deliver(Some(self.id), None, None, &Author::default(), text);
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

    /// Reads the next page of a catch-up. The page that reaches the head makes the member
    /// live, so live delivery begins right after its last message: under the room's order
    /// lock when the store delivers after each append; through [`Room::go_live`] when it
    /// delivers from a fan-out, which sends it back for another page when the fan-out is
    /// already past that head. Pages before it leave the member out of live delivery: nothing
    /// piles up in its queue while it catches up, however long that takes.
    pub async fn catch_up_page(
        &self,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<CatchUpPage, StoreError> {
        let room = self.room.name.as_str();
        let store = self.registry.store();
        match store.live_delivery() {
            LiveDelivery::AfterAppend => {
                let _order = self.room.order.lock().await;
                let page = store.page(room, after, limit).await?;
                if page.last {
                    if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
                        me.live = true;
                    }
                }
                Ok(page)
            }
            LiveDelivery::FromFanOut => {
                let mut page = store.page(room, after, limit).await?;
                let wants_history = after.is_some();
                if page.last
                    && self.room.go_live(self.id, page.head, wants_history) == GoLive::Behind
                {
                    page.last = false;
                }
                Ok(page)
            }
        }
    }

    /// An in-band connection whose client spoke plain text first (it heard no `welcome` in
    /// time and took the server for a plain one): it is a plain member from now on, live at
    /// once, so its text reaches the room and the room's text reaches it.
    pub fn become_plain(&mut self) {
        self.dialect = Dialect::Plain;
        if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
            me.dialect = Dialect::Plain;
            me.live = true;
        }
    }
}

mod signals;

impl Drop for Membership {
    fn drop(&mut self) {
        self.registry.leave(&self.room, self.id);
        if let Some(who) = &self.present_as {
            let presence = self.registry.presence();
            presence.leave(&self.room.name, who, now_millis());
        }
        // A closed tab stops typing at once, rather than when the receivers expire it.
        if self.typing {
            self.stop_typing_on_leave();
        }
    }
}
