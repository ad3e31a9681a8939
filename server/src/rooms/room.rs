//! One chat room: its members, and the delivery of a message to them.

use super::member::{Dialect, Member};
use super::send_queue::Overflow;
use crate::history::{Author, LiveMessage};
use crate::log_safe::Escaped;
use crate::sync::lock;
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::Mutex;
use ws_chat_protocol::{Millis, Seq, ServerFrame};

/// One chat room: its members and the lock that orders its messages.
pub struct Room {
    pub name: String,
    /// Held across "assign seq + deliver" and "last catch-up page + go live" when the store
    /// delivers after each append; see [`crate::history::LiveDelivery::AfterAppend`].
    pub order: tokio::sync::Mutex<()>,
    pub members: Mutex<HashMap<u64, Member>>,
    /// With a shared store: the newest seq handed to this room's members from the fan-out
    /// (`None` until the first one since the room opened here). Locked before `members`.
    delivered: Mutex<Option<Seq>>,
}

/// What a member going live finds with a shared store; see [`Room::go_live`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoLive {
    Live,
    /// Messages past its catch-up were already handed out: it reads on first.
    Behind,
}

impl Room {
    pub fn new(name: &str) -> Room {
        Room {
            name: name.to_owned(),
            order: tokio::sync::Mutex::new(()),
            members: Mutex::default(),
            delivered: Mutex::default(),
        }
    }

    /// Hands a message from the shared store's fan-out to this room's live members (but its
    /// sender), once and in seq order. Each message is published once and the subscription
    /// keeps its order, so anything but the next seq means the stream broke: a gap (a lost
    /// message) or a seq already passed (the room's history started over, e.g. Redis lost its
    /// data). Live members cannot be told in band, so they are dropped (1013) to reconnect and
    /// catch up from the history, and counting starts again at this seq.
    pub fn offer(&self, message: &LiveMessage) {
        let seq = message.seq;
        let mut delivered = lock(&self.delivered);
        if let Some(d) = *delivered {
            if seq != d.saturating_add(1) {
                tracing::error!(room = %Escaped(&self.name), expected = d.saturating_add(1), seq, "fan-out out of sequence; dropping live members");
                for m in lock(&self.members).values_mut().filter(|m| m.live) {
                    m.live = false;
                    m.send_queue.overflow();
                }
            }
        }
        *delivered = Some(seq);
        match message.deletes {
            Some(of) => self.deliver_deletion(seq, of),
            None => self.deliver(
                message.local_sender,
                Some((seq, message.ts)),
                message.id.as_deref(),
                &message.author,
                &message.text,
            ),
        }
    }

    /// A member whose catch-up reached `head` goes live, unless the fan-out already handed
    /// out messages past `head` (stored after its last page was read): then it must read them
    /// first, or it would miss them.
    ///
    /// A member that asked for no history (`hello` without `after`) missed nothing it wanted,
    /// so `wants_history: false` makes it live at once, past whatever was handed out.
    pub fn go_live(&self, member: u64, head: Seq, wants_history: bool) -> GoLive {
        // Held until the member is live: an `offer` in between would hand out a message that
        // neither its catch-up nor its live delivery brings.
        let delivered = lock(&self.delivered);
        let handed_out = delivered.unwrap_or(0);
        if wants_history && handed_out > head {
            return GoLive::Behind;
        }
        if let Some(me) = lock(&self.members).get_mut(&member) {
            me.live = true;
            me.after = head.max(handed_out);
        }
        GoLive::Live
    }

    /// The fan-out stopped: what comes after it starts a new count.
    pub fn reset_delivered(&self) {
        *lock(&self.delivered) = None;
    }

    /// Hands a message to every live member but its sender (`None` when the sender is not a
    /// member here: it is on another server). `stored` (its seq and time) is `None` for text
    /// that was not stored, which only plain members can receive; `author` is who sent it. A member whose send queue overflows is removed: its connection sees the
    /// overflow and closes with 1013.
    pub fn deliver(
        &self,
        sender: Option<u64>,
        stored: Option<(Seq, Millis)>,
        id: Option<&str>,
        author: &Author,
        text: &str,
    ) {
        let plain = Utf8Bytes::from(text);
        let envelope = stored.map(|(seq, ts)| {
            Utf8Bytes::from(
                ServerFrame::Msg {
                    seq,
                    id: id.map(str::to_owned),
                    text: text.to_owned(),
                    from: author.from.clone(),
                    ts: Some(ts),
                    user: author.user.clone(),
                    guest: author.guest,
                }
                .encode(),
            )
        });
        self.push(sender, stored.map(|(seq, _)| seq), Some(plain), envelope);
    }

    /// Hands the tombstone at `seq` (the message at `of` was deleted) to every live wschat.v1
    /// member, the one that deleted it included; plain members have no way to be told.
    pub fn deliver_deletion(&self, seq: Seq, of: Seq) {
        let envelope = Utf8Bytes::from(ServerFrame::Deleted { seq, of }.encode());
        self.push(None, Some(seq), None, Some(envelope));
    }

    /// Hands `frame`, a signal that is never stored (who is here, who is typing, where a user
    /// stopped reading), to every live wschat.v1 member that watches the room (`watch`), those
    /// of `to_user` only if given, but its sender (`None`: on another server).
    pub fn deliver_signal(&self, sender: Option<u64>, frame: String, to_user: Option<&str>) {
        let frame = Utf8Bytes::from(frame);
        let mut members = lock(&self.members);
        members.retain(|&member_id, m| {
            let addressed = to_user.is_none_or(|user| m.user.as_deref() == Some(user));
            if Some(member_id) == sender || !m.live || !m.watching || !addressed {
                return true;
            }
            match m.send_queue.push(frame.clone()) {
                Ok(()) => true,
                Err(Overflow) => {
                    tracing::warn!(room = %Escaped(&self.name), conn = member_id, "member too slow, disconnecting");
                    false
                }
            }
        });
    }

    /// Queues `plain` for plain members and `envelope` for wschat.v1 ones (either, when
    /// there is one for them), skipping the sender, members not live yet, and members whose
    /// catch-up already brought `seq`.
    fn push(
        &self,
        sender: Option<u64>,
        seq: Option<Seq>,
        plain: Option<Utf8Bytes>,
        envelope: Option<Utf8Bytes>,
    ) {
        let mut members = lock(&self.members);
        members.retain(|&member_id, m| {
            if Some(member_id) == sender || !m.live || seq.is_some_and(|seq| seq <= m.after) {
                return true;
            }
            let frame = match m.dialect {
                Dialect::Plain => plain.clone(),
                Dialect::WsChat => envelope.clone(),
            };
            let Some(frame) = frame else {
                return true;
            };
            match m.send_queue.push(frame) {
                Ok(()) => true,
                Err(Overflow) => {
                    tracing::warn!(room = %Escaped(&self.name), conn = member_id, "member too slow, disconnecting");
                    false
                }
            }
        });
    }
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;
