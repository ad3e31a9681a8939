//! Storage that fails: a full quota must not leave a saved outbox behind that is older than
//! what the server has confirmed.

use crate::support::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Storage;

fn local_storage() -> Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn saved_records(key: &str) -> Vec<String> {
    let storage = local_storage();
    let prefix = format!("ws-chat:outbox:{key}:");
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(&prefix))
        .collect()
}

/// Fills localStorage to the last few bytes, and empties it again on drop (also when the test
/// fails, so later tests get their storage back).
struct Filled(Vec<String>);

impl Drop for Filled {
    fn drop(&mut self) {
        for k in &self.0 {
            let _ = local_storage().remove_item(k);
        }
    }
}

fn fill_storage() -> Filled {
    let storage = local_storage();
    let mut keys = Vec::new();
    for size in [1 << 20, 1 << 16, 1 << 12, 1 << 8, 1 << 4, 1] {
        let chunk = "x".repeat(size);
        loop {
            let key = format!("junk-{}", keys.len());
            if storage.set_item(&key, &chunk).is_err() {
                break;
            }
            keys.push(key);
        }
    }
    Filled(keys)
}

/// What a failure needs to be explained: what the storage holds, whether it takes a write now,
/// and what the chat said about it.
fn storage_report(chat: &Mounted) -> String {
    let storage = local_storage();
    let keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .collect();
    let chars: usize = keys
        .iter()
        .map(|k| k.len() + storage.get_item(k).unwrap().map_or(0, |v| v.len()))
        .sum();
    let probe = storage.set_item("probe", "x").map_err(|e| format!("{e:?}"));
    let _ = storage.remove_item("probe");
    let found = chat.root.query_selector_all("[data-role=notice]").unwrap();
    let notices: Vec<String> = (0..found.length())
        .filter_map(|i| found.get(i)?.text_content())
        .collect();
    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    format!(
        "storage: {} keys {keys:?}, {chars} chars, a write now: {probe:?}; notices: \
         {notices:?}; messages: {:?}; input: {:?}; tab: {:?}",
        keys.len(),
        chat.messages(),
        chat.input().value(),
        session.get_item("ws-chat:tab").unwrap()
    )
}

/// Types `text` and clicks Send until the chat takes it (taking it empties the input). Right
/// after the chat appears, its Send button may not listen yet: the listener is added when Yew
/// runs the component's effects, which a busy browser does a moment after it shows the button,
/// and a click in between does nothing (the text stays in the input).
async fn send_once_listening(chat: &Mounted, text: &str) {
    chat.input().set_value(text);
    let taken = || {
        if chat.input().value().is_empty() {
            return true;
        }
        chat.click("send");
        false
    };
    wait_until("the chat to take a message", SHORT, taken, || {
        chat.input().value()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_full_quota_removes_the_saved_outbox_and_says_so_once() {
    // Nothing listens there: every message stays queued, and the outbox is saved.
    let key = "quota";
    // From an empty storage: what earlier tests of this page saved must not count against
    // the quota this test fills.
    local_storage().clear().unwrap();
    let chat = mount("ws://127.0.0.1:9/ws", key);
    let rendered = || chat.find("message-input").is_some();
    wait_until("the chat", SHORT, rendered, String::new).await;
    send_once_listening(&chat, "a").await;
    send_once_listening(&chat, "b").await;
    let saved = || saved_records(key).len() == 1;
    let seen = || format!("{}; {}", chat.status_text(), storage_report(&chat));
    wait_until("the saved outbox", SHORT, saved, seen).await;
    let junk = fill_storage();
    chat.send("c");
    let gone = || saved_records(key).is_empty();
    let result = async {
        wait_until("the stale record removed", SHORT, gone, || {
            format!("{:?}", saved_records(key))
        })
        .await;
        chat.send("d");
        sleep(300).await;
    };
    result.await;
    drop(junk);
    let notices = chat.root.query_selector_all("[data-role=notice]").unwrap();
    assert_eq!(notices.length(), 1, "said once");
    let notice = notices.get(0).and_then(|n| n.text_content()).unwrap();
    assert!(notice.contains("kept in this page only"), "{notice}");
    let queued: Vec<String> = chat.messages().into_iter().map(|m| m.1).collect();
    assert_eq!(queued, ["queued"; 4], "nothing typed is lost in the page");
}
