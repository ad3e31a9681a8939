//! Keeps the outbox in `localStorage`, so a reload (even offline) loses nothing typed.
//!
//! Each tab saves under its own key (a tab id kept in `sessionStorage` survives reloads), so two
//! tabs of one chat never overwrite each other. On `pagehide` a tab marks its record orphaned;
//! the same tab reloading takes it back, and if the tab is gone for good the next page load of
//! the chat adopts it (see [`crate::core::outbox::adopt`]).
//!
//! Storage can be missing (privacy modes, sandboxed iframes) or full; then the outbox lives in
//! memory only, with one console warning, and the chat works on.

use crate::core::outbox::{adopt, SavedOutbox, StoredMessage};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Storage;

pub struct OutboxStore {
    shared: Rc<RefCell<Shared>>,
    /// `pagehide` marks the record orphaned, `pageshow` (back from the back-forward cache)
    /// takes it back; held for their `Drop`.
    _listeners: Vec<EventListener>,
}

struct Shared {
    /// `ws-chat:outbox:<chat key>:`; this tab's record is at `prefix + tab id`.
    prefix: String,
    key: String,
    storage: Option<Storage>,
    last: Vec<StoredMessage>,
}

impl OutboxStore {
    /// `chat_key` tells apart chats on one origin; by default it is the server URL.
    pub fn new(chat_key: &str) -> Self {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if storage.is_none() {
            log::warn!("localStorage unavailable: unsent messages are kept in memory only");
        }
        let prefix = format!("ws-chat:outbox:{chat_key}:");
        let shared = Rc::new(RefCell::new(Shared {
            key: format!("{prefix}{}", tab_id()),
            prefix,
            storage,
            last: Vec::new(),
        }));
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            for (event, orphaned) in [("pagehide", true), ("pageshow", false)] {
                let shared = shared.clone();
                listeners.push(EventListener::new(&window, event, move |_| {
                    shared.borrow_mut().write(orphaned)
                }));
            }
        }
        Self {
            shared,
            _listeners: listeners,
        }
    }

    /// This tab's saved outbox, plus any orphaned ones of the same chat (which it now owns).
    pub fn load(&mut self) -> Vec<StoredMessage> {
        let mut shared = self.shared.borrow_mut();
        let Some(storage) = shared.storage.clone() else {
            return Vec::new();
        };
        let mut others = Vec::new();
        for i in 0..storage.length().unwrap_or(0) {
            let Some(key) = storage.key(i).ok().flatten() else {
                continue;
            };
            let other_tab = key
                .strip_prefix(&shared.prefix)
                .is_some_and(|tab| !tab.contains(':'));
            if other_tab && key != shared.key {
                if let Some(record) = read(&storage, &key) {
                    others.push((key, record));
                }
            }
        }
        let (messages, adopted) = adopt(read(&storage, &shared.key), others);
        shared.last = messages.clone();
        shared.write(false);
        for key in adopted {
            let _ = storage.remove_item(&key);
        }
        messages
    }

    pub fn save(&mut self, messages: Vec<StoredMessage>) {
        let mut shared = self.shared.borrow_mut();
        shared.last = messages;
        shared.write(false);
    }
}

impl Shared {
    fn write(&mut self, orphaned: bool) {
        let Some(storage) = &self.storage else { return };
        let result = if self.last.is_empty() {
            storage.remove_item(&self.key)
        } else {
            let record = SavedOutbox {
                orphaned,
                messages: self.last.clone(),
            };
            storage.set_item(
                &self.key,
                &serde_json::to_string(&record).unwrap_or_default(),
            )
        };
        if result.is_err() {
            log::warn!("localStorage full or refused: unsent messages are kept in memory only");
            self.storage = None;
        }
    }
}

fn read(storage: &Storage, key: &str) -> Option<SavedOutbox> {
    let json = storage.get_item(key).ok().flatten()?;
    serde_json::from_str(&json)
        .map_err(|e| log::warn!("ignoring an unreadable saved outbox at {key} ({e})"))
        .ok()
}

/// This tab's id: random, kept in `sessionStorage` so a reload keeps it and another tab does not.
fn tab_id() -> String {
    const KEY: &str = "ws-chat:tab";
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(id) = session
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
    {
        return id;
    }
    let id = format!("{:016x}", super::page::random_seed());
    if let Some(s) = session {
        let _ = s.set_item(KEY, &id);
    }
    id
}
