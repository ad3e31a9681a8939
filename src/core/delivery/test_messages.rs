//! Saved messages for the outbox tests, and their ids in order.

use crate::core::boundary::SavedMessage;

/// A message with id `id`, its text derived from it, and a fixed time.
pub fn msg(id: &str) -> SavedMessage {
    SavedMessage {
        id: id.into(),
        text: format!("text {id}"),
        at: Some(1_795_000_000_000),
    }
}

/// The ids, in order.
pub fn ids(v: &[SavedMessage]) -> Vec<&str> {
    v.iter().map(|m| m.id.as_str()).collect()
}
