//! Group commit: the store thread writes every append waiting in its queue in one
//! transaction, so one fsync covers them all.
//!
//! With `synchronous=FULL` each commit waits for the disk, and a transaction per message caps
//! the store at a few hundred to a few thousand messages a second however fast the rest is
//! (SQLite's FAQ: tens of thousands of inserts a second, a few dozen transactions). While one
//! batch is syncing, the next one queues; the writer then takes all of it, up to
//! [`GroupCommit::rows`], and waits up to [`GroupCommit::wait`] for more only if asked.
//!
//! Each append runs in a savepoint of the batch's transaction: one that fails (a constraint)
//! is undone alone and answered with its error, the others go on. An error that makes SQLite
//! roll back the whole transaction (a full disk, an I/O error) fails the whole batch: nothing
//! of it is stored, and every append of it is answered with the error. Nobody hears of their
//! append before the commit that holds it has returned, so an ack still means on disk.
//!
//! A room's appends are ordered by the room (its order lock is held from the append to the
//! delivery), so one room has one append in flight at a time: batches gather the appends of
//! many rooms, which is where a busy server's load comes from. Appends
//! see the ones before them in the batch, so an id re-sent within one batch is a duplicate
//! as it would be across two.

use super::db::{append_one, Db};
use crate::history::error::StoreError;
use crate::history::message::{Appended, Author};
use crate::log_safe::Escaped;
use rusqlite::{ErrorCode, Transaction, TransactionBehavior};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use ws_chat_protocol::{Millis, Seq};

/// How big a batch may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCommit {
    /// Most appends in one transaction: bounds how long the first of them waits for its ack
    /// behind the others. 1 is a transaction per message.
    pub rows: usize,
    /// How long the writer waits for more appends once the queue is empty, counted from the
    /// batch's first. Zero (the default) never waits: a batch is what queued while the last
    /// commit was syncing, so a quiet server acks at once and a busy one batches by itself.
    pub wait: Duration,
}

impl Default for GroupCommit {
    fn default() -> Self {
        GroupCommit {
            rows: 256,
            wait: Duration::ZERO,
        }
    }
}

/// What the store thread is asked to do, in order.
pub(super) enum Job {
    Run(Box<dyn FnOnce(&mut Db) + Send>),
    /// Batched with the appends queued behind it.
    Append(PendingAppend),
}

/// One append waiting for the writer, with where its answer goes.
pub(super) struct PendingAppend {
    pub(super) room: String,
    pub(super) id: Option<String>,
    pub(super) text: String,
    pub(super) author: Author,
    pub(super) ts: Millis,
    pub(super) deletes: Option<Seq>,
    pub(super) reply: oneshot::Sender<Result<Appended, StoreError>>,
}

/// The store thread's loop: runs jobs in the order they came, appends in batches, until
/// every handle is gone.
pub(super) fn serve(db: &mut Db, jobs: &Receiver<Job>, limits: GroupCommit) {
    let mut next = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        match job {
            Job::Run(run) => run(db),
            Job::Append(first) => {
                let (batch, after) = collect(first, jobs, limits);
                next = after;
                write(db, batch);
            }
        }
    }
}

/// `first` and the appends queued behind it, up to the limits; stops at any other job (it
/// runs after the batch, so a read sees every append sent before it) and returns it.
fn collect(
    first: PendingAppend,
    jobs: &Receiver<Job>,
    limits: GroupCommit,
) -> (Vec<PendingAppend>, Option<Job>) {
    let started = Instant::now();
    let mut batch = vec![first];
    while batch.len() < limits.rows.max(1) {
        let waited = started.elapsed();
        let next = match jobs.try_recv() {
            Ok(job) => job,
            Err(_) if waited < limits.wait => match jobs.recv_timeout(limits.wait - waited) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            },
            Err(_) => break,
        };
        match next {
            Job::Append(append) => batch.push(append),
            other => return (batch, Some(other)),
        }
    }
    (batch, None)
}

/// Writes `batch` in one transaction and answers each append once it is committed.
fn write(db: &mut Db, batch: Vec<PendingAppend>) {
    crate::metrics::batch(batch.len());
    match write_batch(db, &batch) {
        Ok(outcomes) => {
            for (append, outcome) in batch.into_iter().zip(outcomes) {
                let _ = append.reply.send(outcome);
            }
        }
        Err(e) => {
            for append in batch {
                let _ = append.reply.send(Err(e.clone()));
            }
        }
    }
}

/// Each append's outcome, or why the batch as a whole failed (nothing of it is stored).
fn write_batch(
    db: &Db,
    batch: &[PendingAppend],
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    let Some(first) = batch.first() else {
        return Ok(Vec::new());
    };
    let mut tx = begin_append(db, &first.room)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for append in batch {
        let row = (
            append.id.as_deref(),
            append.text.as_str(),
            &append.author,
            append.ts,
        );
        let savepoint = tx.savepoint()?;
        let outcome = append_one(&savepoint, db.history, &append.room, row, append.deletes);
        match &outcome {
            Ok(_) => savepoint.commit()?,
            // Its savepoint rolls back as it drops.
            Err(e) => {
                drop(savepoint);
                if db.conn.is_autocommit() {
                    // SQLite rolled back the whole transaction: what looked stored is not.
                    return Err(StoreError::new(format!("the batch was rolled back: {e}")));
                }
            }
        }
        outcomes.push(outcome);
    }
    tx.commit()?;
    Ok(outcomes)
}

/// Begins an append's transaction, write lock first (see the module docs). When another
/// connection holds the lock, the wait for it (up to the busy timeout) is logged first: a
/// write that has to wait is worth knowing about, for an operator and for a test that must
/// know the append is waiting before it lets go of the lock.
fn begin_append<'c>(db: &'c Db, room: &str) -> Result<Transaction<'c>, StoreError> {
    db.conn.busy_timeout(Duration::ZERO)?;
    let first = Transaction::new_unchecked(&db.conn, TransactionBehavior::Immediate);
    db.conn.busy_timeout(db.busy_timeout)?;
    match first {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
            tracing::info!(
                room = %Escaped(room),
                timeout = ?db.busy_timeout,
                "history store: the database is locked by another connection; waiting for it"
            );
            Ok(Transaction::new_unchecked(
                &db.conn,
                TransactionBehavior::Immediate,
            )?)
        }
        first => Ok(first?),
    }
}

#[cfg(test)]
#[path = "group_commit_tests.rs"]
mod tests;
