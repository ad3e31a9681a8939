//! Who and when: sender lines above runs, `<time>` on every message, and Retry/Remove on
//! failed messages, against the real servers.

use super::support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement};
use ws_chat::DeliveryConfig;
use ws_chat::EngineConfig;

/// Every element of `role` in the chat, in document order.
fn all(chat: &Mounted, role: &str) -> Vec<Element> {
    let list = chat
        .root
        .query_selector_all(&format!("[data-role=\"{role}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn senders(chat: &Mounted) -> Vec<String> {
    all(chat, "sender")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect()
}

/// Checks that every message has a `<time>` whose `datetime` is an instant within a minute of
/// now, shown as `HH:MM` with a tooltip.
fn assert_times_are_now(chat: &Mounted) {
    let messages = all(chat, "message");
    assert!(!messages.is_empty());
    for message in messages {
        let time = message
            .query_selector("time[data-role=\"time\"]")
            .unwrap()
            .unwrap_or_else(|| panic!("no time in {}", message.outer_html()));
        let iso = time.get_attribute("datetime").unwrap_or_default();
        let at = js_sys::Date::parse(&iso);
        let now = js_sys::Date::now();
        assert!((now - at).abs() < 60_000.0, "{iso} is not now");
        let shown = time.text_content().unwrap_or_default();
        let local = js_sys::Date::new(&at.into());
        let want = format!("{:02}:{:02}", local.get_hours(), local.get_minutes());
        assert_eq!(shown, want, "{}", message.outer_html());
        assert!(!time.get_attribute("title").unwrap_or_default().is_empty());
    }
}

#[wasm_bindgen_test]
async fn the_sender_heads_a_run_and_every_message_has_its_time() {
    let url = room_url(SERVER, &room("names"));
    let ann = mount_named(&url, "names-ann", "Ann");
    let bob = mount_named(&url, "names-bob", " Bob\n");
    wait_state(&ann, "open", SHORT).await;
    wait_state(&bob, "open", SHORT).await;
    ann.send("one");
    ann.send("two");
    wait_until(
        "Ann's two messages at Bob",
        SHORT,
        || bob.texts() == ["one", "two"],
        || format!("{:?}", bob.texts()),
    )
    .await;
    // Once, above the run of two.
    assert_eq!(senders(&bob), ["Ann"]);
    let first = all(&bob, "message")[0].clone();
    let sender = first.previous_element_sibling().expect("a line above");
    assert_eq!(sender.get_attribute("data-role").as_deref(), Some("sender"));
    assert_times_are_now(&bob);

    bob.send("three");
    let three = || ann.texts() == ["one", "two", "three"];
    wait_until("Bob's reply at Ann", SHORT, three, || {
        format!("{:?}", ann.texts())
    })
    .await;
    let acked = || {
        bob.messages()
            .iter()
            .all(|m| m.0 == "in" || m.1 == "delivered")
    };
    wait_until("the ack", SHORT, acked, || format!("{:?}", bob.messages())).await;
    // Our own run shows our own (cleaned) name.
    assert_eq!(senders(&ann), ["Ann", "Bob"]);
    assert_eq!(senders(&bob), ["Ann", "Bob"]);
    assert_times_are_now(&ann);
    assert_times_are_now(&bob);
}

#[wasm_bindgen_test]
async fn a_plain_server_shows_no_senders_and_the_time_of_receipt() {
    let chat = mount_named(&format!("ws://{PLAIN_SERVER}"), "names-plain", "Ann");
    wait_state(&chat, "open", SHORT).await;
    chat.send("hello");
    wait_until(
        "the reply",
        SHORT,
        || chat.texts().contains(&"data received".to_owned()),
        || format!("{:?}", chat.messages()),
    )
    .await;
    sleep(300).await;
    assert_eq!(senders(&chat), Vec::<String>::new());
    assert_times_are_now(&chat);
}

fn button(message: &Element, role: &str) -> HtmlElement {
    message
        .query_selector(&format!("button[data-role=\"{role}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {role} in {}", message.outer_html()))
        .dyn_into()
        .unwrap()
}

/// The first message with this text.
fn message(chat: &Mounted, text: &str) -> Element {
    all(chat, "message")
        .into_iter()
        .find(|m| {
            m.query_selector("[data-role=\"message-text\"]")
                .ok()
                .flatten()
                .and_then(|t| t.text_content())
                .as_deref()
                == Some(text)
        })
        .unwrap_or_else(|| panic!("no message {text:?}"))
}

#[wasm_bindgen_test]
async fn a_failed_message_can_be_retried_once_there_is_room_or_removed() {
    let url = room_url(SERVER, &room("retry"));
    let config = EngineConfig::default().delivery(DeliveryConfig::default().outbox_capacity(1));
    let chat = mount_config(&url, "names-retry", config);
    wait_state(&chat, "open", SHORT).await;
    chat.click("toggle");
    wait_state(&chat, "closed", SHORT).await;
    // Offline with an outbox of one: the second and third fail ("outbox full").
    chat.send("first");
    chat.send("second");
    chat.send("third");
    let statuses = || {
        chat.messages()
            .into_iter()
            .map(|m| (m.1, m.2))
            .collect::<Vec<_>>()
    };
    let want = |s: &[(&str, &str)]| {
        s.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    wait_until(
        "two failed",
        SHORT,
        || {
            statuses()
                == want(&[
                    ("queued", "first"),
                    ("failed", "second"),
                    ("failed", "third"),
                ])
        },
        || format!("{:?}", statuses()),
    )
    .await;
    let second = message(&chat, "second");
    assert!(second
        .get_attribute("data-reason")
        .is_some_and(|r| r.contains("outbox full")));
    assert!(button(&second, "retry")
        .get_attribute("aria-label")
        .is_some_and(|l| l.contains("second")));
    // Remove takes it off the list for good.
    button(&message(&chat, "third"), "remove").click();
    wait_until(
        "third removed",
        SHORT,
        || !chat.texts().contains(&"third".to_owned()),
        || format!("{:?}", statuses()),
    )
    .await;
    // Connected, "first" is delivered and makes room: Retry sends "second".
    chat.click("toggle");
    wait_state(&chat, "open", SHORT).await;
    wait_until(
        "first delivered",
        SHORT,
        || statuses().contains(&("delivered".into(), "first".into())),
        || format!("{:?}", statuses()),
    )
    .await;
    button(&message(&chat, "second"), "retry").click();
    wait_until(
        "second delivered",
        SHORT,
        || statuses() == want(&[("delivered", "first"), ("delivered", "second")]),
        || format!("{:?}", statuses()),
    )
    .await;
    assert!(all(&chat, "retry").is_empty() && all(&chat, "remove").is_empty());
    // The server has both, once: a reader joining later gets them from the history.
    let reader = mount(&url, "names-retry-reader");
    wait_until(
        "the history",
        SHORT,
        || reader.texts() == ["first", "second"],
        || format!("{:?}", reader.texts()),
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_message_the_server_rejects_offers_retry_and_remove() {
    let url = room_url(SERVER, &room("rejected"));
    // Past the server's limit, within ours: the server says no.
    let config =
        EngineConfig::default().delivery(DeliveryConfig::default().max_message_bytes(64 * 1024));
    let chat = mount_config(&url, "names-rejected", config);
    wait_state(&chat, "open", SHORT).await;
    let big = "x".repeat(ws_chat_protocol::MAX_TEXT_BYTES + 1);
    chat.send(&big);
    let failed = || chat.messages().first().is_some_and(|m| m.1 == "failed");
    wait_until("the reject", SHORT, failed, || {
        format!("{:?}", chat.messages().len())
    })
    .await;
    let reason = message(&chat, &big)
        .get_attribute("data-reason")
        .unwrap_or_default();
    assert!(reason.starts_with("rejected by the server"), "{reason}");
    // Retry goes to the server again, which refuses again.
    button(&message(&chat, &big), "retry").click();
    sleep(500).await;
    assert!(
        failed(),
        "{:?}",
        chat.messages().first().map(|m| m.1.clone())
    );
    button(&message(&chat, &big), "remove").click();
    wait_until(
        "removed",
        SHORT,
        || chat.messages().is_empty(),
        || format!("{}", chat.messages().len()),
    )
    .await;
}

#[wasm_bindgen_test]
async fn saved_outboxes_with_and_without_times_load() {
    let key = "names-saved";
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let hour_ago = js_sys::Date::now() - 3_600_000.0;
    // Left behind by two tabs: one of an earlier version (no `at`), one with the typed time.
    let old = format!("ws-chat:outbox:{key}:old-version-tab");
    let new = format!("ws-chat:outbox:{key}:new-version-tab");
    storage
        .set_item(
            &old,
            r#"{"orphaned":true,"messages":[{"id":"names-saved-1","text":"from before"}]}"#,
        )
        .unwrap();
    let record = format!(
        r#"{{"orphaned":true,"messages":[{{"id":"names-saved-2","text":"typed earlier","at":{hour_ago}}}]}}"#
    );
    storage.set_item(&new, &record).unwrap();
    // Nothing listens there: both stay queued.
    let chat = mount("ws://127.0.0.1:9/ws", key);
    let both = || chat.messages().len() == 2;
    wait_until("the adopted messages", SHORT, both, || {
        format!("{:?}", chat.messages())
    })
    .await;
    let at = |text: &str| {
        let time = message(&chat, text)
            .query_selector("time[data-role=\"time\"]")
            .unwrap()
            .expect("a time");
        js_sys::Date::parse(&time.get_attribute("datetime").unwrap_or_default())
    };
    assert!((js_sys::Date::now() - at("from before")).abs() < 60_000.0);
    assert!((at("typed earlier") - hour_ago.floor()).abs() < 1.0);
    drop(chat);
    for k in saved_keys(&storage, key) {
        storage.remove_item(&k).unwrap();
    }
}

fn saved_keys(storage: &web_sys::Storage, key: &str) -> Vec<String> {
    let prefix = format!("ws-chat:outbox:{key}:");
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(&prefix))
        .collect()
}
