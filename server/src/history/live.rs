//! Live delivery as the store sees it: who orders it, and how a shared store's fan-out hands
//! its messages to the layer above without knowing what that layer is.

use ws_chat_protocol::{Millis, Seq};

/// How a store's messages reach the members who are live, which decides what a room does
/// around an append and at the end of a catch-up. The store says ([`crate::history::Store::live_delivery`]);
/// nothing above the history asks which kind of store it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveDelivery {
    /// This process alone appends to the history (SQLite). Within a room, "append (and get the
    /// seq), then hand the message to every member" and "read the catch-up's last page, then
    /// go live" both run under one lock the room holds, so a member receives live messages in
    /// seq order and its catch-up ends exactly where its live messages begin.
    AfterAppend,
    /// Several servers append to one history (Redis). The store orders each room's messages
    /// itself, and every stored message, this server's own included, comes back through the
    /// store's fan-out (see [`FanOutReceiver`]) in that order, and only from there: nothing
    /// is handed to the room right after an append.
    FromFanOut,
}

/// A stored message for live delivery, as a shared store's fan-out hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessage {
    pub seq: Seq,
    pub room: String,
    /// The sender's id; `None` for plain-text senders.
    pub id: Option<String>,
    pub text: String,
    /// Who sent it.
    pub author: super::message::Author,
    /// When it was stored (ms since the epoch).
    pub ts: Millis,
    /// The connection of this server that sent it, if one did: that one gets an ack instead.
    pub local_sender: Option<u64>,
    /// A tombstone: the message at this seq was deleted.
    pub deletes: Option<Seq>,
}

/// A signal for a room's live members that is never stored (who is typing), as a shared
/// store's fan-out hands it over: it has no seq and no order to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSignal {
    pub room: String,
    /// The connection of this server that sent it, if one did: it is not sent back.
    pub local_sender: Option<u64>,
    /// The server frame, encoded.
    pub frame: String,
    /// For the connections of this user only (its read position); `None`: the whole room.
    pub to_user: Option<String>,
}

/// Where a shared store's fan-out hands what it hears: implemented by the layer above (the
/// rooms), which the history does not know. Called from the fan-out task, so nothing here
/// may wait.
pub trait FanOutReceiver: Send + Sync {
    /// The subscription is up: this server can both store and hear, so it may take members.
    fn subscribed(&self);

    /// A message stored by any server sharing the store, this one included. One
    /// subscription keeps the order of publication, so each room's messages arrive in seq
    /// order unless the stream broke.
    fn message(&self, message: LiveMessage);

    /// A signal published by any server sharing the store, this one included.
    fn signal(&self, signal: LiveSignal);

    /// A kick or revocation (a record the layer above made, see [`crate::history::Store::keep_ban`])
    /// kept by any server sharing the store, this one's included, or one read back on
    /// subscribing.
    fn ban(&self, record: &str);

    /// The subscription is down: nothing live arrives until [`FanOutReceiver::subscribed`]
    /// is called again, so no member may be taken meanwhile.
    fn unsubscribed(&self);

    /// What was published while the subscription was down is gone (pub/sub forgets it), so
    /// every live member has missed it: each connection is told to come back and catch up
    /// from the history. Returns how many were told.
    fn disconnect_all(&self) -> usize;
}
