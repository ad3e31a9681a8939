//! Where room history lives: SQLite in this process (the default, [`SqliteStore`]), or Redis
//! shared by several servers (`--redis`, [`RedisStore`]). Both keep the same promises: one seq
//! per message and one message per seq in each room, a re-sent id recognised while it is in the
//! history, and an append that has returned is durable, so an ack means stored.

use crate::redis_store::RedisStore;
use crate::sqlite_store::SqliteStore;
use std::fmt;
use ws_chat_protocol::{Millis, Seq};

/// Anything that went wrong in the store; the text is for logs and error frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "history store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    pub fn new(why: impl Into<String>) -> StoreError {
        StoreError(why.into())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<redis::RedisError> for StoreError {
    fn from(e: redis::RedisError) -> Self {
        StoreError(format!("redis: {e}"))
    }
}

/// One message of a room's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
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

/// One page of the catch-up for `hello {after}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// The first (at most `limit`) retained messages with `seq > after`, in seq order.
    pub messages: Vec<StoredMessage>,
    /// The room's newest seq (0 for an empty room).
    pub head: Seq,
    /// History no longer holds everything after `after`: some of it was pruned.
    pub gap: bool,
    /// Nothing retained comes after this page: it reaches `head`.
    pub last: bool,
}

/// The server's history, whichever kind it is.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    /// Shared with other servers: what any of them stores comes back to every one of them
    /// through the Redis subscription (see [`crate::fanout`]), and only from there.
    Redis(RedisStore),
}
