//! Keeps the outbox in `localStorage`, so a reload (even offline) loses nothing typed.
//!
//! Storage can be missing (privacy modes, sandboxed iframes) or full; then the outbox lives in
//! memory only, with one console warning, and the chat works on.

use crate::core::outbox::StoredMessage;
use web_sys::Storage;

pub struct OutboxStore {
    key: String,
    storage: Option<Storage>,
}

impl OutboxStore {
    /// `key` tells apart chats on one origin; by default it is derived from the server URL.
    pub fn new(key: &str) -> Self {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if storage.is_none() {
            log::warn!("localStorage unavailable: unsent messages are kept in memory only");
        }
        Self {
            key: format!("ws-chat:outbox:{key}"),
            storage,
        }
    }

    pub fn load(&self) -> Vec<StoredMessage> {
        let Some(json) = self
            .storage
            .as_ref()
            .and_then(|s| s.get_item(&self.key).ok().flatten())
        else {
            return Vec::new();
        };
        serde_json::from_str(&json).unwrap_or_else(|e| {
            log::warn!("ignoring an unreadable saved outbox ({e})");
            Vec::new()
        })
    }

    pub fn save(&mut self, messages: &[StoredMessage]) {
        let Some(storage) = &self.storage else { return };
        let result = if messages.is_empty() {
            storage.remove_item(&self.key)
        } else {
            storage.set_item(
                &self.key,
                &serde_json::to_string(messages).unwrap_or_default(),
            )
        };
        if result.is_err() {
            log::warn!("localStorage full or refused: unsent messages are kept in memory only");
            self.storage = None;
        }
    }
}
