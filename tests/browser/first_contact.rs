//! First contact with a server that never selects a sub-protocol (the seed page's server set
//! up as many plain servers are): Chromium fails the handshake that offered one, and the chat
//! tries again at once without an offer, showing a connection under way rather than a lost
//! one. The page remembers that for the server, so the next load goes straight there.
//! (Firefox opens such a handshake, which leaves nothing to remember.)

use crate::support::*;
use std::time::Duration;

/// Where the plain server ignores sub-protocols, and what the page remembers it by.
fn ignoring_url(tag: &str) -> String {
    format!("ws://{PLAIN_SERVER}/ignores-protocols?tag={tag}")
}
fn memory_key() -> String {
    format!("ws-chat:in-band:ws://{PLAIN_SERVER}/ignores-protocols")
}

/// `(offered, plain)`: the handshakes the server saw under `tag`.
async fn handshakes(tag: &str) -> (u64, u64) {
    let json = call(PLAIN_SERVER, &format!("/_test/handshakes?tag={tag}"), true).await;
    let value = js_sys::JSON::parse(&json).unwrap();
    let count = |k: &str| {
        js_sys::Reflect::get(&value, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
            .map_or(u64::MAX, |n| n as u64)
    };
    (count("offered"), count("plain"))
}

/// Mounts a chat on `url` and watches its status line until it is open: every state and
/// text it showed on the way.
async fn open_watching(url: &str, storage_key: &str) -> (Mounted, Vec<(String, String)>) {
    let chat = mount(url, storage_key);
    let mut seen: Vec<(String, String)> = Vec::new();
    let deadline = js_sys::Date::now() + SHORT.as_millis() as f64;
    while chat.state() != "open" {
        let now = (chat.state(), chat.status_text());
        // (Nothing is rendered before the first frame.)
        if !now.0.is_empty() && seen.last() != Some(&now) {
            seen.push(now);
        }
        assert!(js_sys::Date::now() < deadline, "not open: {seen:?}");
        sleep(5).await;
    }
    (chat, seen)
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn a_server_that_ignores_sub_protocols_is_reached_quietly_and_remembered() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(&memory_key()).unwrap();
    let first = room("first-contact");
    let started = js_sys::Date::now();
    let (chat, seen) = open_watching(&ignoring_url(&first), "first-contact").await;
    let took = Duration::from_millis((js_sys::Date::now() - started) as u64);
    // Only ever connecting: no lost connection, no close code, no retry countdown.
    for (state, text) in &seen {
        assert_eq!(state, "connecting", "{seen:?}");
        assert!(!text.contains("1006") && !text.contains("lost"), "{seen:?}");
    }
    // Chromium fails the offered handshake, and the chat goes without an offer at once;
    // Firefox takes a handshake that selected nothing, so its first one opens.
    let (offered, plain) = handshakes(&first).await;
    assert_eq!(offered, 1);
    assert!(plain <= 1, "{plain} handshakes without an offer");
    let needed_in_band = plain == 1;
    wasm_bindgen_test::console_log!("first contact open in {took:?}, status {seen:?}");
    chat.send("hello");
    wait_until(
        "the reply",
        SHORT,
        || chat.texts() == ["hello", "data received"],
        || format!("{:?}", chat.messages()),
    )
    .await;
    // A plain server confirms nothing: "sent" is all a message gets.
    assert_eq!(chat.messages()[0].1, "sent");
    // Remembered only where the offer failed.
    assert_eq!(
        storage.get_item(&memory_key()).unwrap().is_some(),
        needed_in_band
    );
    drop(chat);
    // The next load (another room of the same server) offers nothing from the start, where
    // an offer failed before.
    let second = room("first-contact");
    let (chat, seen) = open_watching(&ignoring_url(&second), "first-contact").await;
    assert!(
        seen.iter().all(|(state, _)| state == "connecting"),
        "{seen:?}"
    );
    let expected = if needed_in_band { (0, 1) } else { (1, 0) };
    assert_eq!(handshakes(&second).await, expected);
    drop(chat);
    storage.remove_item(&memory_key()).unwrap();
}
