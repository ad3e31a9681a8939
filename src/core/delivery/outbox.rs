//! Messages typed here that the server has not confirmed yet, in the order they were typed.
//!
//! Bounded, so a long outage cannot eat the tab's memory; an overflow is reported to the caller
//! (and shown on the message) instead of dropping anything silently.

use crate::core::boundary::SavedMessage;
use std::collections::VecDeque;
use std::fmt;
use ws_chat_protocol::json::write_str;

/// One tab's saved outbox. Each tab saves under its own key, so two tabs of one chat never
/// overwrite each other; a tab that goes away for good marks its record `orphaned` so the next
/// page load of the same chat adopts and sends what it left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedOutbox {
    pub orphaned: bool,
    pub messages: Vec<SavedMessage>,
}

impl SavedOutbox {
    /// `{"orphaned":false,"messages":[{"id":"…","text":"…","at":1795000000000}]}`, the stored
    /// form (read back by the browser's `JSON.parse`; `at` is left out when unknown).
    pub fn to_json(&self) -> String {
        let size: usize = self
            .messages
            .iter()
            .map(|m| m.id.len() + m.text.len() + 20)
            .sum();
        let mut out = String::with_capacity(size + 32);
        out.push_str(if self.orphaned {
            r#"{"orphaned":true,"messages":["#
        } else {
            r#"{"orphaned":false,"messages":["#
        });
        for (i, m) in self.messages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(r#"{"id":"#);
            write_str(&mut out, &m.id);
            out.push_str(r#","text":"#);
            write_str(&mut out, &m.text);
            if let Some(at) = m.at {
                out.push_str(r#","at":"#);
                out.push_str(&at.to_string());
            }
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

/// What a starting tab restores: its own record (a reload), then every orphaned record of the
/// same chat, oldest first by key. Returns the messages and the keys of the adopted records.
pub fn adopt(
    own: Option<SavedOutbox>,
    others: Vec<(String, SavedOutbox)>,
) -> (Vec<SavedMessage>, Vec<String>) {
    let mut messages = own.map(|o| o.messages).unwrap_or_default();
    // Oldest first by key, kept in order as they are found (a handful at most; a generic sort
    // or map would add kilobytes to the wasm for it).
    let mut orphans: Vec<(String, SavedOutbox)> = Vec::new();
    for (key, record) in others.into_iter().filter(|(_, r)| r.orphaned) {
        let at = orphans.partition_point(|(k, _)| *k < key);
        orphans.insert(at, (key, record));
    }
    let mut adopted = Vec::new();
    for (key, record) in orphans {
        for message in record.messages {
            if !messages.iter().any(|m| m.id == message.id) {
                messages.push(message);
            }
        }
        adopted.push(key);
    }
    (messages, adopted)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    message: SavedMessage,
    /// Handed to the current socket; cleared when that socket ends, so it is sent again.
    sent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxFull {
    pub capacity: usize,
}

impl fmt::Display for OutboxFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "outbox full: {} messages already waiting", self.capacity)
    }
}

#[derive(Debug, Clone)]
pub struct Outbox {
    pending: VecDeque<Pending>,
    capacity: usize,
}

impl Outbox {
    pub fn new(capacity: usize) -> Self {
        Self {
            pending: VecDeque::new(),
            capacity,
        }
    }

    pub fn push(&mut self, message: SavedMessage) -> Result<(), OutboxFull> {
        if self.pending.len() >= self.capacity {
            return Err(OutboxFull {
                capacity: self.capacity,
            });
        }
        self.pending.push_back(Pending {
            message,
            sent: false,
        });
        Ok(())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.pending.iter().any(|e| e.message.id == id)
    }

    /// Removes a confirmed (or removed) message; `false` if it was not waiting.
    pub fn remove(&mut self, id: &str) -> bool {
        self.take(id).is_some()
    }

    /// Removes a message and hands it back (a rejected one is kept for "Retry").
    pub fn take(&mut self, id: &str) -> Option<SavedMessage> {
        let i = self.pending.iter().position(|e| e.message.id == id)?;
        self.pending.remove(i).map(|e| e.message)
    }

    /// Marks every message not yet handed to the current socket as handed over, oldest first.
    pub fn take_unsent(&mut self) -> Vec<SavedMessage> {
        self.pending
            .iter_mut()
            .filter(|e| !e.sent)
            .map(|e| {
                e.sent = true;
                e.message.clone()
            })
            .collect()
    }

    /// The socket ended: everything is unsent again. Returns the ids that had been sent.
    pub fn socket_lost(&mut self) -> Vec<String> {
        self.pending
            .iter_mut()
            .filter_map(|e| std::mem::take(&mut e.sent).then(|| e.message.id.clone()))
            .collect()
    }

    /// The server could not store `id`: it waits to be sent again. `false` if it was not
    /// waiting for an answer (already confirmed, or never sent on this socket).
    pub fn requeue(&mut self, id: &str) -> bool {
        match self.pending.iter_mut().find(|e| e.message.id == id) {
            Some(e) => std::mem::take(&mut e.sent),
            None => false,
        }
    }

    /// Drops what was handed over; for a plain peer, which never confirms anything.
    pub fn drain_sent(&mut self) {
        self.pending.retain(|e| !e.sent);
    }

    pub fn snapshot(&self) -> Vec<SavedMessage> {
        self.pending.iter().map(|e| e.message.clone()).collect()
    }
}

// Native only: the tests encode server envelopes and read JSON with serde.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn msg(id: &str) -> SavedMessage {
        SavedMessage {
            id: id.into(),
            text: format!("text {id}"),
            at: Some(1_795_000_000_000),
        }
    }

    fn ids(v: &[SavedMessage]) -> Vec<&str> {
        v.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn bounded_and_overflow_is_an_error() {
        let mut o = Outbox::new(2);
        assert_eq!(o.push(msg("a")), Ok(()));
        assert_eq!(o.push(msg("b")), Ok(()));
        let err = o.push(msg("c")).expect_err("full");
        assert_eq!(err.to_string(), "outbox full: 2 messages already waiting");
        assert_eq!(ids(&o.snapshot()), ["a", "b"]);
        assert!(o.remove("a"));
        assert_eq!(o.push(msg("c")), Ok(()));
    }

    #[test]
    fn sends_in_order_once_per_socket_and_again_after_a_loss() {
        let mut o = Outbox::new(10);
        for id in ["a", "b", "c"] {
            o.push(msg(id)).expect("room");
        }
        assert_eq!(ids(&o.take_unsent()), ["a", "b", "c"]);
        assert!(o.take_unsent().is_empty());
        o.push(msg("d")).expect("room");
        assert_eq!(ids(&o.take_unsent()), ["d"]);
        assert!(o.remove("b"));
        assert!(!o.remove("b"));
        assert_eq!(o.socket_lost(), ["a", "c", "d"]);
        assert_eq!(ids(&o.take_unsent()), ["a", "c", "d"]);
    }

    #[test]
    fn a_tab_restores_its_own_record_and_adopts_orphans_only() {
        let record = |orphaned, ids: &[&str]| SavedOutbox {
            orphaned,
            messages: ids.iter().map(|id| msg(id)).collect(),
        };
        let others = vec![
            ("k:tab-c".to_string(), record(true, &["c1", "x"])),
            ("k:tab-b".to_string(), record(false, &["b1"])),
            ("k:tab-a".to_string(), record(true, &["a1"])),
        ];
        let (messages, adopted) = adopt(Some(record(false, &["own", "x"])), others);
        assert_eq!(ids(&messages), ["own", "x", "a1", "c1"]);
        assert_eq!(adopted, ["k:tab-a", "k:tab-c"]);
        assert_eq!(adopt(None, vec![]), (vec![], vec![]));
    }

    #[test]
    fn the_stored_form_is_json() {
        let record = SavedOutbox {
            orphaned: true,
            messages: vec![msg("a"), msg("quote \" and \n newline")],
        };
        let json: serde_json::Value = serde_json::from_str(&record.to_json()).unwrap();
        assert_eq!(json["orphaned"], true);
        assert_eq!(json["messages"][1]["id"], "quote \" and \n newline");
        assert_eq!(json["messages"][1]["text"], "text quote \" and \n newline");
        assert_eq!(json["messages"][1]["at"], 1_795_000_000_000u64);
        let untimed = SavedOutbox {
            orphaned: false,
            messages: vec![SavedMessage {
                at: None,
                ..msg("a")
            }],
        };
        assert_eq!(
            untimed.to_json(),
            r#"{"orphaned":false,"messages":[{"id":"a","text":"text a"}]}"#
        );
        assert_eq!(
            SavedOutbox::default().to_json(),
            r#"{"orphaned":false,"messages":[]}"#
        );
    }

    #[test]
    fn plain_peers_drop_what_was_handed_over() {
        let mut o = Outbox::new(10);
        o.push(msg("a")).expect("room");
        o.take_unsent();
        o.push(msg("b")).expect("room");
        o.drain_sent();
        assert_eq!(ids(&o.snapshot()), ["b"]);
        assert!(o.contains("b") && !o.contains("a"));
    }
}
