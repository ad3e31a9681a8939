//! One chat room: its members, and the delivery of a message to them.

use crate::log_safe::Escaped;
use crate::rooms::registry::Mode;
use crate::rooms::send_queue::{Overflow, SendQueue};
use crate::sync::lock;
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use ws_chat_protocol::{Millis, Seq, ServerFrame};

/// One chat room: its members and the lock that orders its messages.
pub struct Room {
    pub name: String,
    /// Held across "assign seq + deliver" and "last catch-up page + go live"; see the
    /// ordering rule in [`crate::rooms::registry`].
    pub order: tokio::sync::Mutex<()>,
    pub members: Mutex<HashMap<u64, Member>>,
    /// With a shared store: the newest seq handed to this room's members from the fan-out
    /// (`None` until the first one since the room opened here). Locked before `members`.
    delivered: Mutex<Option<Seq>>,
}

/// A connection as its room sees it.
pub struct Member {
    pub mode: Mode,
    /// Receives live room messages (plain: always; wschat.v1: after its first hello).
    pub live: bool,
    /// It has every stored message up to this seq from its catch-up, so live copies of those
    /// are skipped (with a shared store, where live delivery and catch-up are not ordered by
    /// one lock).
    pub after: Seq,
    pub send_queue: Arc<SendQueue>,
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
    pub fn offer(
        &self,
        seq: Seq,
        sender: Option<u64>,
        published: &crate::history::redis::fanout::Published,
    ) {
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
        let stored = Some((seq, published.ts));
        let (id, from) = (published.id.as_deref(), published.from.as_deref());
        self.deliver(
            sender.unwrap_or(u64::MAX),
            stored,
            id,
            from,
            &published.text,
        );
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

    /// Hands a message from member `sender` to every live member but the sender. `stored` (its
    /// seq and time) is `None` for text that was not stored, which only plain members can
    /// receive; `from` is the sender's display name. A member whose send queue overflows is
    /// removed: its connection sees the overflow and closes with 1013.
    pub fn deliver(
        &self,
        sender: u64,
        stored: Option<(Seq, Millis)>,
        id: Option<&str>,
        from: Option<&str>,
        text: &str,
    ) {
        let plain = Utf8Bytes::from(text);
        let envelope = stored.map(|(seq, ts)| {
            Utf8Bytes::from(
                ServerFrame::Msg {
                    seq,
                    id: id.map(str::to_owned),
                    text: text.to_owned(),
                    from: from.map(str::to_owned),
                    ts: Some(ts),
                }
                .encode(),
            )
        });
        let mut members = lock(&self.members);
        members.retain(|&member_id, m| {
            if member_id == sender || !m.live || stored.is_some_and(|(seq, _)| seq <= m.after) {
                return true;
            }
            let frame = match (m.mode, &envelope) {
                (Mode::Plain, _) => plain.clone(),
                (Mode::WsChat, Some(envelope)) => envelope.clone(),
                (Mode::WsChat, None) => return true,
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
mod tests {
    use super::*;
    use crate::history::redis::fanout::Published;
    use futures_util::FutureExt;

    fn room_with(members: &[(u64, bool, Seq)]) -> Room {
        let room = Room::new("r");
        for &(id, live, after) in members {
            lock(&room.members).insert(
                id,
                Member {
                    mode: Mode::WsChat,
                    live,
                    after,
                    send_queue: Arc::new(SendQueue::new(1 << 20)),
                },
            );
        }
        room
    }

    fn published(text: &str) -> Published {
        Published {
            room: "r".into(),
            id: Some(text.into()),
            text: text.into(),
            from: None,
            ts: 1,
            server: 1,
            conn: 1,
        }
    }

    /// The seqs queued for `member`, taken out of its queue.
    fn taken(room: &Room, member: u64) -> Vec<Seq> {
        let queue = lock(&room.members)[&member].send_queue.clone();
        let mut seqs = Vec::new();
        while let Some(Ok(frame)) = queue.pop().now_or_never() {
            match ServerFrame::decode(frame.as_str()) {
                Ok(ServerFrame::Msg { seq, .. }) => seqs.push(seq),
                other => panic!("{other:?}"),
            }
        }
        seqs
    }

    #[test]
    fn fan_out_skips_the_sender_and_what_a_catch_up_brought() {
        let room = room_with(&[(1, true, 0), (2, true, 2), (3, false, 0)]);
        for seq in 1..=3 {
            room.offer(seq, Some(1), &published("x"));
        }
        assert_eq!(
            taken(&room, 1),
            Vec::<Seq>::new(),
            "its own messages are acked instead"
        );
        assert_eq!(taken(&room, 2), [3], "1 and 2 came with its catch-up");
        assert_eq!(taken(&room, 3), Vec::<Seq>::new(), "not live yet");
    }

    #[test]
    fn a_catch_up_overtaken_by_the_fan_out_reads_on_before_going_live() {
        let room = room_with(&[(1, true, 0), (2, false, 0)]);
        assert_eq!(
            room.go_live(2, 0, true),
            GoLive::Live,
            "nothing handed out yet"
        );
        let room = room_with(&[(1, true, 0), (2, false, 0)]);
        room.offer(4, None, &published("a"));
        room.offer(5, None, &published("b"));
        assert_eq!(
            room.go_live(2, 4, true),
            GoLive::Behind,
            "5 went out before it was live"
        );
        assert_eq!(
            room.go_live(2, 6, true),
            GoLive::Live,
            "6 is stored, not yet fanned out"
        );
        room.offer(6, None, &published("c"));
        room.offer(7, None, &published("d"));
        assert_eq!(taken(&room, 2), [7]);
        assert_eq!(taken(&room, 1), [4, 5, 6, 7]);
        let room = room_with(&[(2, false, 0)]);
        room.offer(4, None, &published("a"));
        assert_eq!(room.go_live(2, 3, false), GoLive::Live, "no history wanted");
        room.offer(5, None, &published("b"));
        assert_eq!(taken(&room, 2), [5]);
    }

    #[test]
    fn a_seq_already_passed_means_the_history_started_over() {
        let room = room_with(&[(1, true, 0)]);
        room.offer(7, None, &published("a"));
        room.offer(1, None, &published("history lost"));
        assert!(
            !lock(&room.members)[&1].live,
            "told to reconnect and catch up"
        );
        assert_eq!(
            *lock(&room.delivered),
            Some(1),
            "counting again from the new seq"
        );
    }

    #[test]
    fn a_gap_in_the_fan_out_drops_the_live_members() {
        let room = room_with(&[(1, true, 0), (2, false, 0)]);
        room.offer(1, None, &published("a"));
        room.offer(3, None, &published("c"));
        let member = |id| lock(&room.members)[&id].live;
        assert!(!member(1), "told to reconnect and catch up");
        assert!(!member(2));
        room.reset_delivered();
        room.offer(9, None, &published("after a reset"));
        assert!(lock(&room.members)[&1].send_queue.bytes() == 0);
    }
}
