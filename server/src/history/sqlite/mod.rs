mod schema;
mod store;

pub use store::SqliteStore;
