//! Kicks and revocations in SQLite: each record with the time it stops holding, so a restart
//! brings back what still holds and what ran out is deleted as new ones come.

use super::store::SqliteStore;
use crate::history::error::StoreError;
use rusqlite::params;
use ws_chat_protocol::Millis;

impl SqliteStore {
    /// Keeps `record` until `until`, and drops those that ran out by `now`.
    pub async fn keep_ban(
        &self,
        record: &str,
        until: Millis,
        now: Millis,
    ) -> Result<(), StoreError> {
        let record = record.to_owned();
        self.run(move |db| {
            let tx = db.conn.transaction()?;
            tx.execute("DELETE FROM bans WHERE until <= ?1", params![to_sql(now)])?;
            tx.execute(
                "INSERT INTO bans (record, until) VALUES (?1, ?2)
                 ON CONFLICT (record) DO UPDATE SET until = max(until, excluded.until)",
                params![record, to_sql(until)],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// The records that still hold at `now`.
    pub async fn bans(&self, now: Millis) -> Result<Vec<String>, StoreError> {
        self.run(move |db| {
            let mut query = db
                .conn
                .prepare("SELECT record FROM bans WHERE until > ?1")?;
            let rows = query.query_map(params![to_sql(now)], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

/// Milliseconds since the epoch fit an SQLite integer for the next 290 million years.
fn to_sql(ms: Millis) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
