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

use super::db::{open_connection, to_millis, to_seq, Db};
use super::group_commit::{self, GroupCommit, Job, PendingAppend};
use crate::history::error::StoreError;
use crate::history::message::{Appended, Author, HistoryMessage, NewMessage};
use crate::history::page::CatchUpPage;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;
use ws_chat_protocol::Seq;

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

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
