//! Room history in Redis, shared by every server started with the same `--redis`.
//!
//! Each room has four keys, `wschat:{ROOM}:seq` (a counter), `…:log` (a stream whose entry ids
//! are the seqs), `…:ids` (message id to seq, for dedupe) and `…:deleted` (the seqs of deleted
//! messages, whose text a page then leaves out); the braces are a hash tag, so on a Redis
//! Cluster a room's keys and channels live on one shard. One Lua script assigns the seq, checks
//! the id, appends, prunes to `--history` and publishes the message on the room's own channel
//! (`interest`: only the servers holding the room listen; `SPUBLISH`, sharded pub/sub, on a
//! cluster). Redis runs a script atomically, so two servers can never give two messages one
//! seq or one message two, and messages are published in seq order.
//!
//! An append is durable when Redis answers only if Redis runs with `appendonly yes` and
//! `appendfsync always`: it then writes and fsyncs its log before replying. With any laxer
//! setting an ack can be lost in a crash of Redis (see the README). On a cluster an append is
//! acked only once one replica has it too (`WAIT 1`), so the loss of any one node, its master
//! included, loses no acked message.

use super::connection::{CommandConn, RedisTarget};
use super::interest::Interests;
use super::published::Published;
use super::replicated::ReplicatedAppends;
use super::scripts::{APPEND, PAGE};
use crate::history::error::StoreError;
use crate::history::message::{Appended, Author, HistoryMessage, NewMessage};
use crate::history::page::CatchUpPage;
use ws_chat_protocol::Seq;

/// A handle to the shared history; cheap to clone.
#[derive(Clone)]
pub struct RedisStore {
    target: RedisTarget,
    conn: CommandConn,
    /// On a cluster, the connections appends wait for a replica on.
    replicated: Option<ReplicatedAppends>,
    history: u32,
    /// This server among those sharing the Redis: a sender is known by server and connection.
    server: u64,
    /// The Redis database: pub/sub ignores it, so every channel's name holds it, and
    /// deployments on two databases of one Redis do not hear each other.
    pub(super) db: i64,
    /// The channel kicks and revocations are published on, for every server.
    bans_channel: String,
    /// Rooms opening and closing here, for the fan-out's subscriptions.
    pub(super) interests: Interests,
}

impl RedisStore {
    /// A store on the Redis at `url`: `redis://host:port/db`, or a cluster's seed nodes,
    /// `redis+cluster://host:port,host:port`. Connects lazily and again after every failure,
    /// so a server starts, and recovers, without Redis being there yet.
    pub fn open(url: &str, history: u32) -> Result<RedisStore, StoreError> {
        let target = RedisTarget::parse(url)?;
        let conn = target.commands()?;
        let replicated = match &target {
            RedisTarget::Single(_) => None,
            RedisTarget::Cluster(seeds) => Some(ReplicatedAppends::open(seeds)?),
        };
        let db = target.db();
        let bans_channel = super::bans::bans_channel(&target, db);
        Ok(RedisStore {
            target,
            conn,
            replicated,
            history,
            server: server_number(),
            db,
            bans_channel,
            interests: Interests::default(),
        })
    }

    /// Where Redis is, for the fan-out subscription.
    pub(super) fn target(&self) -> &RedisTarget {
        &self.target
    }

    /// Whether Redis is a cluster: pub/sub is sharded there, and appends wait for a replica.
    pub fn is_cluster(&self) -> bool {
        matches!(self.target, RedisTarget::Cluster(_))
    }

    /// The command that publishes on a room's channel: `SPUBLISH` on a cluster, where a
    /// channel lives on its slot's shard instead of on every node.
    pub(super) fn publish_command(&self) -> &'static str {
        if self.is_cluster() {
            "SPUBLISH"
        } else {
            "PUBLISH"
        }
    }

    /// The channel kicks and revocations are published on.
    pub fn bans_channel(&self) -> &str {
        &self.bans_channel
    }

    /// The command connection (it reconnects on its own).
    pub(super) fn conn(&self) -> CommandConn {
        self.conn.clone()
    }

    /// This server's number in the fan-out messages.
    pub fn server(&self) -> u64 {
        self.server
    }

    /// Whether commands reach Redis now (its connection reconnects on its own after a loss).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.conn.clone().ping().await.map_err(StoreError::from)
    }

    /// Stores a message of connection `conn` unless the room already holds `id`, or a
    /// tombstone unless there is no message to delete, and publishes what it stored to every
    /// server (this one included).
    pub async fn append(&self, message: NewMessage<'_>) -> Result<Appended, StoreError> {
        let NewMessage {
            room,
            id,
            text,
            author,
            ts,
            conn,
            deletes,
        } = message;
        let published = Published {
            room: room.to_owned(),
            id: id.map(str::to_owned),
            text: text.to_owned(),
            author: author.clone(),
            ts,
            server: self.server,
            conn,
            deletes,
        };
        let payload = serde_json::to_string(&published)
            .map_err(|e| StoreError::new(format!("cannot encode a message: {e}")))?;
        let keys = RoomKeys::new(&self.target.room_tag(room));
        let mut invocation = APPEND.prepare_invoke();
        invocation
            .key(&keys.seq)
            .key(&keys.log)
            .key(&keys.ids)
            .key(&keys.deleted)
            .arg(id.unwrap_or(""))
            .arg(text)
            .arg(author.from.as_deref().unwrap_or(""))
            .arg(ts)
            .arg(self.history)
            .arg(self.room_channel(room))
            .arg(payload)
            .arg(id_key(author.user.as_deref(), id.unwrap_or("")))
            .arg(author.user.as_deref().unwrap_or(""))
            .arg(if author.guest { "1" } else { "" })
            .arg(deletes.map_or(String::new(), |of| of.to_string()))
            .arg(self.publish_command());
        let reply = match &self.replicated {
            Some(replicated) => replicated.append(&invocation).await?,
            None => invocation.invoke_async(&mut self.conn()).await?,
        };
        match reply.as_slice() {
            [kind, seq] if kind == "new" => Ok(Appended::New(parse_seq(seq)?)),
            [kind, seq, ts] if kind == "dup" => {
                Ok(Appended::Duplicate(parse_seq(seq)?, ts.parse().ok()))
            }
            [kind] if kind == "taken" => Ok(Appended::IdTaken),
            [kind] if kind == "missing" => Ok(Appended::NoSuchMessage),
            [kind] if kind == "already" => Ok(Appended::AlreadyDeleted),
            other => Err(StoreError::new(format!(
                "unexpected append reply {other:?}"
            ))),
        }
    }

    /// Up to `limit` messages after `after`, as [`crate::history::Store::page`].
    pub async fn page(
        &self,
        room: &str,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<CatchUpPage, StoreError> {
        let keys = RoomKeys::new(&self.target.room_tag(room));
        // Stream ids are `seq-0`; the first one wanted is `after + 1`. Done here, not in Lua,
        // whose numbers are doubles: a client may send any u64 as `after`.
        let start = after.map_or(String::new(), |a| format!("{}-0", a.saturating_add(1)));
        let reply: Vec<String> = PAGE
            .key(&keys.seq)
            .key(&keys.log)
            .key(&keys.deleted)
            .arg(start)
            .arg(limit)
            .invoke_async(&mut self.conn.clone())
            .await?;
        let (head, oldest, rows) = match reply.as_slice() {
            [head, oldest, rows @ ..] if rows.len() % ROW_FIELDS == 0 => (head, oldest, rows),
            other => {
                return Err(StoreError::new(format!(
                    "unexpected page reply of {} strings",
                    other.len()
                )))
            }
        };
        let head = parse_seq(head)?;
        let messages = rows
            .chunks_exact(ROW_FIELDS)
            .map(|row| {
                Ok(HistoryMessage {
                    seq: parse_seq(&row[0])?,
                    id: some(&row[1]),
                    text: row[2].clone(),
                    author: Author {
                        from: some(&row[3]),
                        user: some(&row[5]),
                        guest: row[6] == "1",
                    },
                    ts: row[4].parse().ok(),
                    deletes: (!row[7].is_empty())
                        .then(|| parse_seq(&row[7]))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let oldest = (!oldest.is_empty())
            .then(|| parse_seq(oldest))
            .transpose()?;
        Ok(CatchUpPage::new(after, oldest, head, messages))
    }
}

/// The key of message id `id` in a room's ids hash: the id itself for senders without a user
/// id (as before user ids), else scoped to the user (its length first, so no user id and
/// message id can run together into another pair's key).
fn id_key(user: Option<&str>, id: &str) -> String {
    match user {
        Some(user) => format!("{}:{user}{id}", user.len()),
        None => id.to_owned(),
    }
}

/// Strings per message in a page reply (see `PAGE_LUA`).
const ROW_FIELDS: usize = 8;

/// The keys of one room.
struct RoomKeys {
    seq: String,
    log: String,
    ids: String,
    /// The seqs of its deleted messages.
    deleted: String,
}

impl RoomKeys {
    fn new(tag: &str) -> RoomKeys {
        RoomKeys {
            seq: format!("{tag}:seq"),
            log: format!("{tag}:log"),
            ids: format!("{tag}:ids"),
            deleted: format!("{tag}:deleted"),
        }
    }
}

/// A seq as Redis gives it: a number, or a stream id `seq-0`.
fn parse_seq(text: &str) -> Result<Seq, StoreError> {
    let number = text.split_once('-').map_or(text, |(seq, _)| seq);
    number
        .parse()
        .map_err(|_| StoreError::new(format!("not a seq: {text:?}")))
}

fn some(field: &str) -> Option<String> {
    (!field.is_empty()).then(|| field.to_owned())
}

/// This server's number among those sharing a Redis: unique enough from the clock and the
/// process id, hashed with the standard library's random keys.
fn server_number() -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    std::process::id().hash(&mut hasher);
    std::time::SystemTime::now().hash(&mut hasher);
    hasher.finish()
}
