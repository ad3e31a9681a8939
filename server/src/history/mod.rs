pub mod redis;
pub mod sqlite;
pub mod store;
