//! The store: SQLite in this process (the default), or Redis shared by several servers
//! (`--redis`), behind one type. Both keep the same promises: one seq per message and one
//! message per seq in each room, a re-sent id recognised while it is in the history, and an
//! append that has returned is durable, so an ack means stored.
//!
//! Which one it is stays in here: the layers above ask the store how live delivery is
//! ordered ([`Store::live_delivery`]), never which kind it is.

use super::error::StoreError;
use super::live::{FanOutReceiver, LiveDelivery};
use super::message::{Appended, NewMessage};
use super::page::CatchUpPage;
use super::redis::{self, RedisStore};
use super::sqlite::{GroupCommit, SqliteStore};
use crate::metrics;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use ws_chat_protocol::{Millis, Seq};

/// The server's history, whichever kind it is; cheap to clone.
#[derive(Clone)]
pub struct Store(Backend);

#[derive(Clone)]
enum Backend {
    Sqlite(SqliteStore),
    /// Shared with other servers: what any of them stores comes back to every one of them
    /// through the Redis subscription, and only from there. Behind an `Arc`: the handle is
    /// several times the size of SQLite's, and a `Store` is cloned often.
    Redis(Arc<RedisStore>),
}

impl Store {
    /// The history in SQLite at `path` (in memory for `None`), keeping the newest `history`
    /// messages of each room, with appends batched up to `batches`; see
    /// [`SqliteStore::open_grouped`].
    pub async fn sqlite(
        path: Option<&Path>,
        history: u32,
        busy_timeout: Duration,
        batches: GroupCommit,
    ) -> Result<Store, StoreError> {
        SqliteStore::open_grouped(path, history, busy_timeout, batches)
            .await
            .map(|store| Store(Backend::Sqlite(store)))
    }

    /// The history in the Redis at `url`, shared with every server using it; see
    /// [`RedisStore::open`].
    pub fn redis(url: &str, history: u32) -> Result<Store, StoreError> {
        RedisStore::open(url, history).map(|store| Store(Backend::Redis(Arc::new(store))))
    }

    /// `sqlite` or `redis`, for `/healthz`.
    pub fn name(&self) -> &'static str {
        match &self.0 {
            Backend::Sqlite(_) => "sqlite",
            Backend::Redis(_) => "redis",
        }
    }

    /// How this store's messages reach live members.
    pub fn live_delivery(&self) -> LiveDelivery {
        match &self.0 {
            Backend::Sqlite(_) => LiveDelivery::AfterAppend,
            Backend::Redis(_) => LiveDelivery::FromFanOut,
        }
    }

    /// Stores a message unless its room already holds its id (see [`Appended`]), or a
    /// tombstone (`deletes`) unless there is no such message to delete; with a shared store,
    /// what is stored is also published to every server's fan-out.
    pub async fn append(&self, message: NewMessage<'_>) -> Result<Appended, StoreError> {
        let started = Instant::now();
        let bytes = message.text.len();
        let outcome = match &self.0 {
            Backend::Sqlite(store) => store.append(message).await,
            Backend::Redis(store) => store.append(message).await,
        };
        let stored = matches!(outcome, Ok(Appended::New(_)));
        metrics::appended(started.elapsed(), stored.then_some(bytes), outcome.is_err());
        if stored && matches!(self.0, Backend::Redis(_)) {
            // The append script publishes what it stores, in the same step.
            metrics::published();
        }
        outcome
    }

    /// Up to `limit` messages after `after` (none for `None`: just the head), the head, and
    /// whether some are gone. A catch-up reads page after page, so what one connection holds
    /// in memory is one page however long the history.
    pub async fn page(
        &self,
        room: &str,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<CatchUpPage, StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.page(room, after, limit).await,
            Backend::Redis(store) => store.page(room, after, limit).await,
        }
    }

    /// `room` opened on this server: with a shared store, its fan-out listens to the room from
    /// now on (until [`Store::forget`]).
    pub fn listen(&self, room: &str) {
        if let Backend::Redis(store) = &self.0 {
            store.listen(room);
        }
    }

    /// `room` closed on this server: its fan-out no longer listens to it.
    pub fn forget(&self, room: &str) {
        if let Backend::Redis(store) = &self.0 {
            store.forget(room);
        }
    }

    /// Completes once live delivery to `room`'s members works here: at once for a store of
    /// this process alone; with a shared store, once the fan-out listens to the room.
    pub async fn ready(&self, room: &str) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Sqlite(_) => Ok(()),
            Backend::Redis(store) => store.ready(room).await,
        }
    }

    /// Keeps a kick or revocation `record` (made and read by the layer above) until `until`;
    /// a shared store also publishes it to every server's fan-out
    /// ([`FanOutReceiver::ban`]). What ran out by `now` is dropped.
    pub async fn keep_ban(
        &self,
        record: &str,
        until: Millis,
        now: Millis,
    ) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.keep_ban(record, until, now).await,
            Backend::Redis(store) => store.keep_ban(record, until, now).await,
        }
    }

    /// Hands `frame` (an encoded server frame that is never stored) to the members of `room`
    /// (those of `to_user` only, if given) on every server sharing the store, connection
    /// `conn` of this one excepted; a store of this process alone has no one else to tell (the
    /// caller delivers it here, see [`Store::live_delivery`]).
    pub async fn publish_signal(
        &self,
        room: &str,
        conn: u64,
        frame: &str,
        to_user: Option<&str>,
    ) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Sqlite(_) => Ok(()),
            Backend::Redis(store) => store.publish_signal(room, conn, frame, to_user).await,
        }
    }

    /// Moves `user`'s read position in `room` to `seq` unless it is past it already (it never
    /// moves back); returns the position now.
    pub async fn mark_read(&self, room: &str, user: &str, seq: Seq) -> Result<Seq, StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.mark_read(room, user, seq).await,
            Backend::Redis(store) => store.mark_read(room, user, seq).await,
        }
    }

    /// `user`'s read position in `room`, if it has one.
    pub async fn read_position(&self, room: &str, user: &str) -> Result<Option<Seq>, StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.read_position(room, user).await,
            Backend::Redis(store) => store.read_position(room, user).await,
        }
    }

    /// Shares who this server holds in `room` with the other servers: writes `keep` (entries
    /// the layer above made, which hold for a while unless written again), removes `drop`, and
    /// returns every server's entries. `None` for a store of this process alone: the caller's
    /// own users are everyone.
    pub async fn share_presence(
        &self,
        room: &str,
        keep: &[String],
        drop: &[String],
        now: Millis,
    ) -> Result<Option<Vec<String>>, StoreError> {
        match &self.0 {
            Backend::Sqlite(_) => Ok(None),
            Backend::Redis(store) => store.share_presence(room, keep, drop, now).await.map(Some),
        }
    }

    /// Waits until everything asked of the store before this call is written: for a server
    /// going away. A shared store writes each request before answering it.
    pub async fn flush(&self) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.flush().await,
            Backend::Redis(_) => Ok(()),
        }
    }

    /// This server's number among those sharing the store (0 for a store of its own): with
    /// a connection's number, it names the connection across servers.
    pub fn node(&self) -> u64 {
        match &self.0 {
            Backend::Sqlite(_) => 0,
            Backend::Redis(store) => store.server(),
        }
    }

    /// The kept records that still hold at `now`, for a server starting.
    pub async fn bans(&self, now: Millis) -> Result<Vec<String>, StoreError> {
        match &self.0 {
            Backend::Sqlite(store) => store.bans(now).await,
            Backend::Redis(store) => store.bans(now).await,
        }
    }

    /// The task that keeps a shared store's fan-out going until `stop`, handing what it hears
    /// to `to`; `None` for a store with no fan-out. It subscribes before returning, so a
    /// server whose Redis is up serves from its first connection.
    pub async fn fan_out(
        &self,
        to: Arc<dyn FanOutReceiver>,
        stop: CancellationToken,
    ) -> Option<impl Future<Output = ()> + Send + 'static> {
        match &self.0 {
            Backend::Sqlite(_) => None,
            Backend::Redis(store) => {
                Some(redis::start_fan_out(RedisStore::clone(store), to, stop).await)
            }
        }
    }
}
