//! The history table, and bringing a database from an older version up to it.
//!
//! A server upgrade must not lose the history, so a file written before a column existed is
//! altered in place (`ALTER TABLE … ADD COLUMN`, which SQLite does without rewriting rows);
//! its old rows read the new columns as `NULL`: no sender name, time unknown.

use crate::history::error::StoreError;
use rusqlite::Connection;

/// Columns added after the first release, with their SQL types; all nullable.
const ADDED_COLUMNS: [(&str, &str); 2] = [
    // The sender's display name (`from` on the wire; a keyword in SQL).
    ("sender", "TEXT"),
    // When the server stored it, in ms since the Unix epoch.
    ("ts", "INTEGER"),
];

/// Creates the table, or adds what an older version's table lacks.
pub fn create_or_migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS messages (
             room   TEXT NOT NULL,
             seq    INTEGER NOT NULL,
             id     TEXT,
             text   TEXT NOT NULL,
             sender TEXT,
             ts     INTEGER,
             PRIMARY KEY (room, seq)
         );
         CREATE UNIQUE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);",
    )?;
    let present = conn
        .prepare("SELECT name FROM pragma_table_info('messages')")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for (column, sql_type) in ADDED_COLUMNS {
        if !present.iter().any(|p| p == column) {
            conn.execute_batch(&format!(
                "ALTER TABLE messages ADD COLUMN {column} {sql_type}"
            ))?;
            tracing::info!("history store: added column `{column}` to an older database");
        }
    }
    Ok(())
}
