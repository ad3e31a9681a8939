//! The history in SQLite, in this process: the default store.
//!
//! Owns [`SqliteStore`] (a thread that owns the connection, and the queries), what the thread
//! owns and appends with (`db`), how that thread writes queued appends in one transaction
//! (`group_commit`), the kicks and revocations it
//! keeps (`bans`), where each user stopped reading (`read_positions`), deleting a message
//! (`tombstones`), and the schema with its migrations (`schema`, which only this store reads).
//!
//! May import: the shared history types (`crate::history::{error, message, page}`), the bottom
//! helpers and the protocol crate. Not the Redis store, not the layers above.

mod bans;
mod db;
mod group_commit;
mod read_positions;
mod schema;
mod store;
mod tombstones;

pub use group_commit::GroupCommit;
pub use store::SqliteStore;
