//! One chat room: its members, and the delivery of a message to them.

use crate::hub::{lock, Mode};
use crate::log_safe::Escaped;
use crate::send_queue::{Overflow, SendQueue};
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use ws_chat_protocol::{Millis, Seq, ServerFrame};

/// One chat room: its members and the lock that orders its messages.
pub struct Room {
    pub name: String,
    /// Held across "assign seq + deliver" and "last catch-up page + go live"; see the
    /// ordering rule in [`crate::hub`].
    pub order: tokio::sync::Mutex<()>,
    pub members: Mutex<HashMap<u64, Member>>,
}

/// A connection as its room sees it.
pub struct Member {
    pub mode: Mode,
    /// Receives live room messages (plain: always; wschat.v1: after its first hello).
    pub live: bool,
    pub send_queue: Arc<SendQueue>,
}

impl Room {
    pub fn new(name: &str) -> Room {
        Room {
            name: name.to_owned(),
            order: tokio::sync::Mutex::new(()),
            members: Mutex::default(),
        }
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
            if member_id == sender || !m.live {
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
