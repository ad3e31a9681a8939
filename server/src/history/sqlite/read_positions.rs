//! Where each signed-in user stopped reading each room: one row per user and room, which only
//! moves forward, so two devices reporting out of order never move it back.

use super::store::SqliteStore;
use crate::history::error::StoreError;
use rusqlite::{params, OptionalExtension};
use ws_chat_protocol::Seq;

impl SqliteStore {
    /// Moves `user`'s position in `room` to `seq` unless it is past it already; returns the
    /// position now.
    pub async fn mark_read(&self, room: &str, user: &str, seq: Seq) -> Result<Seq, StoreError> {
        let (room, user) = (room.to_owned(), user.to_owned());
        self.run(move |db| {
            let seq = i64::try_from(seq).unwrap_or(i64::MAX);
            let now: i64 = db.conn.query_row(
                "INSERT INTO read_positions (room, user, seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (room, user) DO UPDATE SET seq = max(seq, excluded.seq)
                 RETURNING seq",
                params![room, user, seq],
                |r| r.get(0),
            )?;
            Ok(Seq::try_from(now).unwrap_or(0))
        })
        .await
    }

    /// `user`'s position in `room`, if it has one.
    pub async fn read_position(&self, room: &str, user: &str) -> Result<Option<Seq>, StoreError> {
        let (room, user) = (room.to_owned(), user.to_owned());
        self.run(move |db| {
            let seq: Option<i64> = db
                .conn
                .query_row(
                    "SELECT seq FROM read_positions WHERE room = ?1 AND user = ?2",
                    params![room, user],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(seq.and_then(|s| Seq::try_from(s).ok()))
        })
        .await
    }
}
