//! A message on its way into the history, one read back from it, and what an append did.

use serde::{Deserialize, Serialize};
use ws_chat_protocol::{Millis, Seq};

/// Who sent a message: the name shown, and whether the server vouched for it. Stored with the
/// message, so a catch-up shows it as the live delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The display name: a signed-in sender's token `name`, else what it said in `hello`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// A signed-in sender's user id (its token's `sub`). Message ids are unique per user, so
    /// nobody can claim another user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A guest on a server that signs users in: its name is only a label.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
}

/// A message to append: what a member sent, stamped by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub room: &'a str,
    /// The sender's id; `None` for plain-text senders.
    pub id: Option<&'a str>,
    pub text: &'a str,
    /// Who sent it.
    pub author: &'a Author,
    /// The server's time when it took the message (ms since the epoch).
    pub ts: Millis,
    /// The sending connection's number on this server. A shared store's fan-out carries it,
    /// so that connection (which gets an ack instead) is not sent its own message.
    pub conn: u64,
    /// A tombstone: deletes the message at this seq (`text` is then empty, `id` none). The
    /// message's text is blanked in the store, and the tombstone gets a seq of its own, so a
    /// catch-up from before it brings it too.
    pub deletes: Option<Seq>,
}

/// One message of a room's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMessage {
    pub seq: Seq,
    /// The sender's id; `None` for plain-text senders.
    pub id: Option<String>,
    pub text: String,
    /// Who sent it.
    pub author: Author,
    /// When it was stored (ms since the epoch); `None` for rows from before times were kept.
    pub ts: Option<Millis>,
    /// A tombstone: the message at this seq was deleted.
    pub deletes: Option<Seq>,
}

impl HistoryMessage {
    /// The envelope that delivers it: `deleted` for a tombstone, else `msg` (whose text is
    /// empty if it was deleted).
    pub fn into_frame(self) -> ws_chat_protocol::ServerFrame {
        if let Some(of) = self.deletes {
            return ws_chat_protocol::ServerFrame::Deleted { seq: self.seq, of };
        }
        ws_chat_protocol::ServerFrame::Msg {
            seq: self.seq,
            id: self.id,
            text: self.text,
            from: self.author.from,
            ts: self.ts,
            user: self.author.user,
            guest: self.author.guest,
        }
    }
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Stored now at this seq.
    New(Seq),
    /// The room already holds this id with this text (a re-send): nothing was stored. The
    /// time is the one stored with it the first time (`None` for rows older than times).
    Duplicate(Seq, Option<Millis>),
    /// The room already holds this id with another text: nothing was stored. Ids are chosen by
    /// clients, so this is someone else's message (or a forgery of one) under that id, and
    /// acking it would tell the sender its own text was stored when it was not.
    IdTaken,
    /// A tombstone for a seq that holds no message of the room (never did, pruned, or a
    /// tombstone itself): nothing was stored.
    NoSuchMessage,
    /// A tombstone for a message already deleted: nothing was stored.
    AlreadyDeleted,
}
