//! What can go wrong in a store, whichever kind it is.

use std::fmt;

/// Anything that went wrong in the store; the text is for logs and error frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "history store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    pub fn new(why: impl Into<String>) -> StoreError {
        StoreError(why.into())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<redis::RedisError> for StoreError {
    fn from(e: redis::RedisError) -> Self {
        StoreError(format!("redis: {e}"))
    }
}
