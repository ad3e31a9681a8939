//! What the store thread owns, and the statements it writes with: the connection (opened in
//! WAL mode with `synchronous=FULL`) and one append. Below both the thread's loop
//! (`group_commit`) and the handle async code holds (`store`).

use super::{schema, tombstones};
use crate::history::error::StoreError;
use crate::history::message::{Appended, Author};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::time::Duration;
use ws_chat_protocol::{Millis, Seq};

/// What the store thread owns.
pub(super) struct Db {
    pub(super) conn: Connection,
    /// Messages kept per room.
    pub(super) history: i64,
    /// How long an append waits for another process's write lock.
    pub(super) busy_timeout: Duration,
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

/// Seqs are written by this store and always positive; a corrupt negative one reads as 0.
pub(super) fn to_seq(v: i64) -> Seq {
    Seq::try_from(v).unwrap_or(0)
}

/// Times are written by this store and never negative; a corrupt negative one reads as 0.
pub(super) fn to_millis(v: i64) -> Millis {
    Millis::try_from(v).unwrap_or(0)
}
