//! What a tab keeps of its outbox in storage, and under which key: the policy, natively
//! tested; `crate::browser::storage` only reads and writes.
//!
//! Each tab saves under its own key, `ws-chat:outbox:<chat key>:<tab id>`, so two tabs of one
//! chat never overwrite each other. A tab that goes away for good marks its record `orphaned`,
//! and the next page load of the same chat adopts and sends what it left.

use crate::core::boundary::SavedMessage;
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

/// The storage keys of one chat's outboxes, seen from one tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxKeys {
    /// `ws-chat:outbox:<chat key>:`, shared by every tab of the chat.
    prefix: String,
    /// This tab's key: the prefix and the tab id.
    own: String,
}

impl OutboxKeys {
    /// `chat_key` tells apart chats on one origin (by default the server URL); `tab_id` is
    /// this tab's, kept across its reloads.
    pub fn new(chat_key: &str, tab_id: &str) -> Self {
        let prefix = format!("ws-chat:outbox:{chat_key}:");
        Self {
            own: format!("{prefix}{tab_id}"),
            prefix,
        }
    }

    /// Where this tab's record is.
    pub fn own(&self) -> &str {
        &self.own
    }

    /// Whether `key` holds another tab's record of this chat, which this tab may adopt. A
    /// chat whose key extends this one's (`a:b` beside `a`) is another chat, not another
    /// tab: tab ids never contain `:`.
    pub fn is_other_tab(&self, key: &str) -> bool {
        key != self.own
            && key
                .strip_prefix(&self.prefix)
                .is_some_and(|tab| !tab.is_empty() && !tab.bytes().any(|b| b == b':'))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::delivery::test_messages::{ids, msg};

    #[test]
    fn each_tab_has_its_key_and_adopts_only_its_own_chats_other_tabs() {
        let keys = OutboxKeys::new("wss://a.example/ws", "0123abcd");
        assert_eq!(keys.own(), "ws-chat:outbox:wss://a.example/ws:0123abcd");
        for (key, other_tab) in [
            ("ws-chat:outbox:wss://a.example/ws:0123abcd", false), // this tab
            ("ws-chat:outbox:wss://a.example/ws:99999999", true),
            ("ws-chat:outbox:wss://a.example/ws:", false), // no tab id
            ("ws-chat:outbox:wss://a.example/ws:room2:99999999", false), // a longer chat key
            ("ws-chat:outbox:wss://b.example/ws:99999999", false),
            ("ws-chat:tab", false),
            ("unrelated", false),
        ] {
            assert_eq!(keys.is_other_tab(key), other_tab, "{key}");
        }
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
}
