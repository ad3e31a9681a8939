//! Keeps the outbox in `localStorage`, so a reload (even offline) loses nothing typed.
//!
//! Each tab saves under its own key (a tab id kept in `sessionStorage` survives reloads), so two
//! tabs of one chat never overwrite each other. When the page goes away the engine has the
//! record written marked orphaned; the same tab reloading takes it back, and if the tab is gone
//! for good the next page load of the chat adopts it. Which keys and records those are is the
//! core's rule ([`crate::core::delivery::saved_outbox`]), and when to write the engine's
//! ([`crate::core::engine::save_throttle`]); this only reads and writes.
//!
//! Storage can be missing (privacy modes, sandboxed iframes) or full. This only reports that;
//! the engine decides what follows (the outbox lives in memory only, and the user is told).

use crate::core::boundary::SavedMessage;
use crate::core::delivery::saved_outbox::{adopt, OutboxKeys, SavedOutbox};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Storage;

pub struct OutboxStore {
    keys: OutboxKeys,
    storage: Option<Storage>,
    load_failed: Option<String>,
}

impl OutboxStore {
    /// `chat_key` tells apart chats on one origin; by default it is the server URL.
    pub fn new(chat_key: &str) -> Self {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Self {
            keys: OutboxKeys::new(chat_key, &tab_id()),
            storage,
            load_failed: None,
        }
    }

    /// Why nothing can be stored, if nothing can: no storage, or the first write (in
    /// [`OutboxStore::load`]) failed.
    pub fn problem(&self) -> Option<String> {
        if self.storage.is_none() {
            return Some("localStorage is unavailable".to_owned());
        }
        self.load_failed.clone()
    }

    /// This tab's saved outbox, plus any orphaned ones of the same chat (which it now owns).
    pub fn load(&mut self) -> Vec<SavedMessage> {
        let Some(storage) = self.storage.clone() else {
            return Vec::new();
        };
        let mut others = Vec::new();
        for i in 0..storage.length().unwrap_or(0) {
            let Some(key) = storage.key(i).ok().flatten() else {
                continue;
            };
            if self.keys.is_other_tab(&key) {
                if let Some(record) = read(&storage, &key) {
                    others.push((key, record));
                }
            }
        }
        let (messages, adopted) = adopt(read(&storage, self.keys.own()), others);
        // Written before the adopted records go. If that fails they go all the same: this
        // page now owns and sends them, and a record left behind would be adopted and sent
        // again by every later load. The engine hears of the failure (see `problem`).
        if let Err(reason) = self.save(messages.clone(), false) {
            self.load_failed = Some(reason);
        }
        for key in adopted {
            let _ = storage.remove_item(&key);
        }
        messages
    }

    /// Writes this tab's record (an empty outbox removes it); `orphaned` when the page is
    /// going away.
    pub fn save(&mut self, messages: Vec<SavedMessage>, orphaned: bool) -> Result<(), String> {
        let Some(storage) = &self.storage else {
            return Ok(());
        };
        let result = if messages.is_empty() {
            storage.remove_item(self.keys.own())
        } else {
            let record = SavedOutbox { orphaned, messages };
            storage.set_item(self.keys.own(), &record.to_json())
        };
        result.map_err(|e| {
            let reason = super::socket::describe_js_error(&e);
            log::warn!("saving the outbox failed: {reason}");
            format!("the browser refused to save unsent messages ({reason})")
        })
    }
}

fn read(storage: &Storage, key: &str) -> Option<SavedOutbox> {
    let json = storage.get_item(key).ok().flatten()?;
    let record = parse(&json);
    if record.is_none() {
        log::warn!("ignoring an unreadable saved outbox at {key}");
    }
    record
}

/// Reads [`SavedOutbox::to_json`]'s form with the browser's own `JSON.parse`.
fn parse(json: &str) -> Option<SavedOutbox> {
    let value = js_sys::JSON::parse(json).ok()?;
    let get = |v: &JsValue, name: &str| Reflect::get(v, &JsValue::from_str(name)).ok();
    let list: js_sys::Array = get(&value, "messages")?.dyn_into().ok()?;
    // A loop rather than `collect::<Option<Vec<_>>>()`, whose adapter costs wasm.
    let mut messages = Vec::new();
    for m in list.iter() {
        messages.push(SavedMessage {
            id: get(&m, "id")?.as_string()?,
            text: get(&m, "text")?.as_string()?,
            // Missing from records saved by earlier versions, which still load.
            at: get(&m, "at")
                .and_then(|v| v.as_f64())
                .filter(|at| at.is_finite() && *at >= 0.0)
                .map(|at| at as u64),
        });
    }
    Some(SavedOutbox {
        orphaned: get(&value, "orphaned").and_then(|v| v.as_bool()) == Some(true),
        messages,
    })
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

/// The page's memory of handshake forms (see [`crate::core::engine::handshake`]), one
/// `localStorage` item per server that needs no offer, shared by every chat of the origin.
/// Storage trouble only means the next load finds out again.
pub mod handshakes {
    const PREFIX: &str = "ws-chat:in-band:";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// Whether an earlier page learned that the server known by `key` needs no offer.
    pub fn in_band(key: &str) -> bool {
        storage().is_some_and(|s| {
            s.get_item(&format!("{PREFIX}{key}"))
                .ok()
                .flatten()
                .is_some()
        })
    }

    pub fn remember(key: &str, in_band: bool) {
        let Some(storage) = storage() else { return };
        let item = format!("{PREFIX}{key}");
        let _ = if in_band {
            storage.set_item(&item, "1")
        } else {
            storage.remove_item(&item)
        };
    }
}
