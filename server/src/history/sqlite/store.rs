//! Durable room history in SQLite, owned by one dedicated thread: the default store.
//!
//! rusqlite is blocking and its `Connection` is not `Sync`, so a single OS thread owns it and
//! runs jobs sent over a channel; async code awaits the answer and the runtime never blocks
//! on disk. Appends are committed with `synchronous=FULL` before the caller hears of them, so
//! an acked message survives a SIGKILL or a power cut; those that queue up together share one
//! transaction and one fsync (`group_commit`).
//!
//! Appends begin `IMMEDIATE`: the write lock is taken first, waiting up to the busy timeout
//! while another process holds it (a backup, an inspecting `sqlite3` shell). A deferred
//! transaction would read first and then try to upgrade; in WAL mode that upgrade fails at
//! once with `SQLITE_BUSY_SNAPSHOT` when someone else wrote meanwhile, however long the
//! busy timeout. A failed append is an error for the caller, never a lost ack. An append that
//! finds the lock taken says so in the log before it waits.

use super::group_commit::{self, GroupCommit, PendingAppend};
use super::{schema, tombstones};
use crate::history::error::StoreError;
use crate::history::message::{Appended, Author, HistoryMessage, NewMessage};
use crate::history::page::CatchUpPage;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;
use ws_chat_protocol::{Millis, Seq};

/// What the store thread is asked to do, in order.
pub(super) enum Job {
    Run(Box<dyn FnOnce(&mut Db) + Send>),
    /// Batched with the appends queued behind it.
    Append(PendingAppend),
}

/// What the store thread owns.
pub(super) struct Db {
    pub(super) conn: Connection,
    /// Messages kept per room.
    pub(super) history: i64,
    /// How long an append waits for another process's write lock.
    pub(super) busy_timeout: Duration,
}

/// A handle to the store thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Clone)]
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
}

impl SqliteStore {
    /// Opens (creating if needed) the history at `path`, or in memory for `None`, keeping the
    /// newest `history` messages of each room. A locked database is waited for up to
    /// `busy_timeout` before an operation fails. Appends are batched as
    /// [`GroupCommit::default`].
    #[cfg(test)]
    pub async fn open(
        path: Option<&Path>,
        history: u32,
        busy_timeout: Duration,
    ) -> Result<SqliteStore, StoreError> {
        Self::open_grouped(path, history, busy_timeout, GroupCommit::default()).await
    }

    /// [`SqliteStore::open`], with appends batched up to `batches`.
    pub async fn open_grouped(
        path: Option<&Path>,
        history: u32,
        busy_timeout: Duration,
        batches: GroupCommit,
    ) -> Result<SqliteStore, StoreError> {
        let path = path.map(Path::to_path_buf);
        let (opened_tx, opened_rx) = oneshot::channel();
        let (jobs, job_rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("history-store".into())
            .spawn(move || {
                let mut db = match open_connection(path.as_deref(), busy_timeout) {
                    Ok(conn) => Db {
                        conn,
                        history: i64::from(history),
                        busy_timeout,
                    },
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                let _ = opened_tx.send(Ok(()));
                group_commit::serve(&mut db, &job_rx, batches);
            })
            .map_err(|e| StoreError::new(format!("cannot start the store thread: {e}")))?;
        opened_rx
            .await
            .map_err(|_| StoreError::new("the store thread died while opening"))??;
        Ok(SqliteStore { jobs })
    }

    /// Stores a message with its sender's name and time unless the room already holds its
    /// id, or a tombstone unless there is no message to delete (see [`Appended`]); prunes
    /// the room to `history`.
    pub async fn append(&self, message: NewMessage<'_>) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        let pending = PendingAppend {
            room: message.room.to_owned(),
            id: message.id.map(str::to_owned),
            text: message.text.to_owned(),
            author: message.author.clone(),
            ts: message.ts,
            deletes: message.deletes,
            reply,
        };
        self.jobs
            .send(Job::Append(pending))
            .map_err(|_| StoreError::new("the store thread has stopped"))?;
        answer
            .await
            .map_err(|_| StoreError::new("the store thread dropped a request"))?
    }

    /// Completes once the store thread has done every job sent before it.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.run(|_| Ok(())).await
    }

    /// Up to `limit` messages after `after`, as [`crate::history::Store::page`].
    pub async fn page(
        &self,
        room: &str,
        after: Option<Seq>,
        limit: usize,
    ) -> Result<CatchUpPage, StoreError> {
        let room = room.to_owned();
        self.run(move |db| page(&db.conn, &room, after, limit))
            .await
    }

    pub(super) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        let job = Job::Run(Box::new(move |db| {
            let _ = tx.send(f(db));
        }));
        self.jobs
            .send(job)
            .map_err(|_| StoreError::new("the store thread has stopped"))?;
        rx.await
            .map_err(|_| StoreError::new("the store thread dropped a request"))?
    }
}

pub(super) fn open_connection(
    path: Option<&Path>,
    busy_timeout: Duration,
) -> Result<Connection, StoreError> {
    let conn = match path {
        Some(p) => Connection::open(p),
        None => Connection::open_in_memory(),
    }?;
    // WAL + FULL: a commit is on disk (fsynced) when it returns, which is what an ack promises.
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(busy_timeout)?;
    schema::create_or_migrate(&conn)?;
    Ok(conn)
}

/// A message to append: its id, text, sender and time.
pub(super) type Row<'a> = (Option<&'a str>, &'a str, &'a Author, Millis);

/// Appends one message (or tombstone) inside the caller's transaction, keeping the room to
/// `history` messages; the caller commits.
pub(super) fn append_one(
    tx: &Connection,
    history: i64,
    room: &str,
    (id, text, author, ts): Row<'_>,
    deletes: Option<Seq>,
) -> Result<Appended, StoreError> {
    if let Some(of) = deletes {
        if let Some(refused) = tombstones::blank(tx, room, of)? {
            return Ok(refused);
        }
    }
    if let Some(id) = id {
        // The sender's own ids only: another user's message under this id is not a re-send.
        let existing: Option<(i64, String, Option<i64>)> = tx
            .prepare_cached(
                "SELECT seq, text, ts FROM messages
                 WHERE room = ?1 AND ifnull(sender_id, '') = ?2 AND id = ?3",
            )?
            .query_row(
                params![room, author.user.as_deref().unwrap_or(""), id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match existing {
            // A deleted message (blank now) was stored all the same: its re-send is acked.
            Some((seq, stored, ts)) if stored == text || stored.is_empty() => {
                return Ok(Appended::Duplicate(to_seq(seq), ts.map(to_millis)))
            }
            Some(_) => return Ok(Appended::IdTaken),
            None => {}
        }
    }
    let seq: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE room = ?1")?
        .query_row([room], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO messages (room, seq, id, text, sender, ts, sender_id, guest, deletes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        room,
        seq,
        id,
        text,
        author.from,
        i64::try_from(ts).unwrap_or(i64::MAX),
        author.user,
        author.guest.then_some(1),
        deletes.map(|of| i64::try_from(of).unwrap_or(i64::MAX))
    ])?;
    tx.prepare_cached("DELETE FROM messages WHERE room = ?1 AND seq <= ?2")?
        .execute(params![room, seq - history])?;
    Ok(Appended::New(to_seq(seq)))
}

fn page(
    conn: &Connection,
    room: &str,
    after: Option<Seq>,
    limit: usize,
) -> Result<CatchUpPage, StoreError> {
    let (oldest, head): (Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT MIN(seq), MAX(seq) FROM messages WHERE room = ?1")?
        .query_row([room], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (oldest, head) = (oldest.map(to_seq), head.map_or(0, to_seq));
    let Some(from) = after else {
        return Ok(CatchUpPage::new(None, oldest, head, Vec::new()));
    };
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, text, sender, ts, sender_id, guest, deletes FROM messages
         WHERE room = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let messages = stmt
        .query_map(
            params![
                room,
                i64::try_from(from).unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| {
                Ok(HistoryMessage {
                    seq: to_seq(r.get(0)?),
                    id: r.get(1)?,
                    text: r.get(2)?,
                    author: Author {
                        from: r.get(3)?,
                        user: r.get(5)?,
                        guest: r.get::<_, Option<i64>>(6)? == Some(1),
                    },
                    ts: r.get::<_, Option<i64>>(4)?.map(to_millis),
                    deletes: r.get::<_, Option<i64>>(7)?.map(to_seq),
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CatchUpPage::new(after, oldest, head, messages))
}

/// Seqs are written by this module and always positive; a corrupt negative one reads as 0.
fn to_seq(v: i64) -> Seq {
    Seq::try_from(v).unwrap_or(0)
}

/// Times are written by this module and never negative; a corrupt negative one reads as 0.
fn to_millis(v: i64) -> Millis {
    Millis::try_from(v).unwrap_or(0)
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
