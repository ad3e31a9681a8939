//! A message on its way into the history, one read back from it, and what an append did.

use ws_chat_protocol::{Millis, Seq};

/// A message to append: what a member sent, stamped by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub room: &'a str,
    /// The sender's id; `None` for plain-text senders.
    pub id: Option<&'a str>,
    pub text: &'a str,
    /// The sender's display name, if it has one.
    pub from: Option<&'a str>,
    /// The server's time when it took the message (ms since the epoch).
    pub ts: Millis,
    /// The sending connection's number on this server. A shared store's fan-out carries it,
    /// so that connection (which gets an ack instead) is not sent its own message.
    pub conn: u64,
}

/// One message of a room's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMessage {
    pub seq: Seq,
    /// The sender's id; `None` for plain-text senders.
    pub id: Option<String>,
    pub text: String,
    /// The sender's display name, if it had one.
    pub from: Option<String>,
    /// When it was stored (ms since the epoch); `None` for rows from before times were kept.
    pub ts: Option<Millis>,
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
}
