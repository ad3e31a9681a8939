//! Deleting a message in SQLite: its text is blanked in place (so no catch-up serves it
//! again) and a tombstone row is appended after it (so a catch-up from before the deletion,
//! however far back, brings the news). Both in the append's transaction.

use crate::history::error::StoreError;
use crate::history::message::Appended;
use rusqlite::{params, Connection, OptionalExtension};
use ws_chat_protocol::Seq;

/// Blanks the message at `of`; returns why not, when there is no such message or it was
/// deleted already (a tombstone cannot be deleted: it is no message).
pub fn blank(tx: &Connection, room: &str, of: Seq) -> Result<Option<Appended>, StoreError> {
    let of = i64::try_from(of).unwrap_or(i64::MAX);
    let target: Option<(String, Option<i64>)> = tx
        .prepare_cached("SELECT text, deletes FROM messages WHERE room = ?1 AND seq = ?2")?
        .query_row(params![room, of], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match target {
        None | Some((_, Some(_))) => Ok(Some(Appended::NoSuchMessage)),
        // No stored message is empty but a deleted one.
        Some((text, None)) if text.is_empty() => Ok(Some(Appended::AlreadyDeleted)),
        Some(_) => {
            tx.prepare_cached("UPDATE messages SET text = '' WHERE room = ?1 AND seq = ?2")?
                .execute(params![room, of])?;
            Ok(None)
        }
    }
}
