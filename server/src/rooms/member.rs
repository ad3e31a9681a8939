//! A connection as its room sees it, and what it speaks.

use super::send_queue::SendQueue;
use std::sync::Arc;
use ws_chat_protocol::Seq;

/// What a connection speaks, fixed by its handshake at `/ws`: the selected sub-protocol, or
/// the in-band query parameter when none was selected. One exception: an in-band connection
/// whose client opens with plain text heard no `welcome` in time and took the server for a
/// plain one, so it becomes a plain member (see [`crate::rooms::Membership::become_plain`])
/// rather than get `error` envelopes it would show as chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// No sub-protocol: chat lines are bare text frames.
    Plain,
    /// `wschat.v1`: JSON envelopes.
    WsChat,
}

/// A connection as its room sees it.
pub struct Member {
    pub dialect: Dialect,
    /// Receives live room messages (plain: always; wschat.v1: after its first hello).
    pub live: bool,
    /// It has every stored message up to this seq from its catch-up, so live copies of those
    /// are skipped (with a shared store, where live delivery and catch-up are not ordered by
    /// one lock).
    pub after: Seq,
    pub send_queue: Arc<SendQueue>,
    /// It asked to hear who is in the room and who is typing (`watch`).
    pub watching: bool,
    /// Its signed-in user: its read position goes to that user's connections only.
    pub user: Option<String>,
}

impl Member {
    /// A member that just joined. Plain members have no catch-up: they are live at once.
    /// wschat.v1 members go live with their first `hello`, right after their catch-up.
    pub fn joining(dialect: Dialect, send_queue: Arc<SendQueue>) -> Member {
        Member {
            dialect,
            live: dialect == Dialect::Plain,
            after: 0,
            send_queue,
            watching: false,
            user: None,
        }
    }
}
