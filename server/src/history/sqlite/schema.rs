//! The history table, the kicks and revocations (`bans`), the read positions, and bringing a database from an older version up to it.
//!
//! A server upgrade must not lose the history, so a file written before a column existed is
//! altered in place (`ALTER TABLE … ADD COLUMN`, which SQLite does without rewriting rows);
//! its old rows read the new columns as `NULL`: no sender name, time unknown.

use crate::history::error::StoreError;
use rusqlite::Connection;

/// Columns added after the first release, with their SQL types; all nullable.
const ADDED_COLUMNS: [(&str, &str); 5] = [
    // The sender's display name (`from` on the wire; a keyword in SQL).
    ("sender", "TEXT"),
    // When the server stored it, in ms since the Unix epoch.
    ("ts", "INTEGER"),
    // A signed-in sender's user id (`user` on the wire).
    ("sender_id", "TEXT"),
    // 1 for a guest on a server that signs users in.
    ("guest", "INTEGER"),
    // A tombstone: the seq of the message it deleted (whose text is then blank).
    ("deletes", "INTEGER"),
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
             sender_id TEXT,
             guest  INTEGER,
             deletes INTEGER,
             PRIMARY KEY (room, seq)
         );
         CREATE TABLE IF NOT EXISTS bans (
             record TEXT PRIMARY KEY,
             until  INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS read_positions (
             room TEXT NOT NULL,
             user TEXT NOT NULL,
             seq  INTEGER NOT NULL,
             PRIMARY KEY (room, user)
         );",
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
    // Ids are unique per sender: per user id, and among senders without one. (Before user
    // ids, per room: that index goes.)
    conn.execute_batch(
        "DROP INDEX IF EXISTS messages_room_id;
         CREATE UNIQUE INDEX IF NOT EXISTS messages_room_sender_id
             ON messages (room, ifnull(sender_id, ''), id);",
    )?;
    Ok(())
}
