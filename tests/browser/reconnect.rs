//! Reconnecting against the real server's fault injection: drops, refusals, close codes.

use super::support::*;
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn reconnects_after_the_server_drops_the_connection() {
    let room = room("drop");
    let chat = mount(&room_url(SERVER, &room), "drop");
    wait_state(&chat, "open", SHORT).await;
    call(SERVER, "/_test/drop", false).await;
    wait_state(&chat, "reconnecting", SHORT).await;
    let text = chat.status_text();
    assert!(
        text.contains("attempt 1") && text.contains("retrying in"),
        "{text}"
    );
    assert!(
        chat.find("reconnect").is_some(),
        "Reconnect now is offered while waiting"
    );
    wait_state(&chat, "open", SHORT).await;
}

#[wasm_bindgen_test]
async fn messages_typed_while_down_arrive_once_in_order() {
    let (writer, reader) = open_pair(SERVER, "queue").await;
    call(SERVER, "/_test/refuse?ms=3000", false).await;
    call(SERVER, "/_test/drop", false).await;
    wait_state(&writer, "reconnecting", SHORT).await;
    let sent: Vec<String> = (1..=5).map(|i| format!("queued {i}")).collect();
    for text in &sent {
        writer.send(text);
    }
    let all_queued = || {
        writer.messages().len() == sent.len() && writer.messages().iter().all(|m| m.1 == "queued")
    };
    wait_until("5 queued messages", SHORT, all_queued, || {
        format!("{:?}", writer.messages())
    })
    .await;
    expect_delivered_once(&writer, &reader, &sent).await;
}

#[wasm_bindgen_test]
async fn a_user_disconnect_stays_disconnected() {
    let room = room("user-close");
    let chat = mount(&room_url(SERVER, &room), "user-close");
    wait_state(&chat, "open", SHORT).await;
    chat.click("toggle");
    wait_state(&chat, "closed", SHORT).await;
    assert_eq!(
        chat.status_text().trim_end_matches("Connect"),
        "Disconnected"
    );
    call(SERVER, "/_test/drop", false).await;
    sleep(2_500).await;
    assert_eq!(chat.state(), "closed");
    assert_eq!(live_connections(&room).await, 0);
    chat.click("toggle");
    wait_state(&chat, "open", SHORT).await;
}

#[wasm_bindgen_test]
async fn close_code_1008_stops_and_says_why() {
    let room = room("policy");
    let chat = mount(&room_url(SERVER, &room), "policy");
    wait_state(&chat, "open", SHORT).await;
    call(SERVER, "/_test/close?code=1008&reason=banned", false).await;
    wait_state(&chat, "closed", SHORT).await;
    let text = chat.status_text();
    assert!(text.contains("1008") && text.contains("banned"), "{text}");
    sleep(2_500).await;
    assert_eq!(chat.state(), "closed", "1008 never reconnects by itself");
    chat.click("reconnect");
    wait_state(&chat, "open", SHORT).await;
}

#[wasm_bindgen_test]
async fn no_duplicate_sockets_after_many_flaps() {
    let room = room("flaps");
    let url = room_url(SERVER, &room);
    let chats = [mount(&url, "flap-a"), mount(&url, "flap-b")];
    for chat in &chats {
        wait_state(chat, "open", SHORT).await;
    }
    for i in 0..15 {
        call(SERVER, "/_test/drop", false).await;
        // Half the time, hurry the retry along so drops hit every phase.
        if i % 2 == 0 {
            sleep(50).await;
            for chat in &chats {
                if chat.find("reconnect").is_some() {
                    chat.click("reconnect");
                }
            }
        }
        sleep(150).await;
    }
    for chat in &chats {
        wait_state(chat, "open", Duration::from_secs(15)).await;
    }
    sleep(500).await;
    assert_eq!(live_connections(&room).await, 2, "one socket per chat");
}

/// Fires a page event as the browser would (`offline`, `online`).
fn fire(name: &str) {
    let event = web_sys::Event::new(name).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn offline_pauses_attempts_and_online_reconnects_at_once() {
    let room = room("offline");
    let chat = mount(&room_url(SERVER, &room), "offline");
    wait_state(&chat, "open", SHORT).await;
    fire("offline");
    sleep(200).await;
    assert_eq!(
        chat.state(),
        "open",
        "an open socket may survive a network blip"
    );
    call(SERVER, "/_test/drop", false).await;
    wait_state(&chat, "offline", SHORT).await;
    sleep(2_500).await;
    assert_eq!(chat.state(), "offline", "no attempts while offline");
    assert_eq!(live_connections(&room).await, 0);
    fire("online");
    wait_state(&chat, "open", Duration::from_secs(2)).await;
}

#[wasm_bindgen_test]
async fn a_reload_while_disconnected_loses_nothing() {
    let room = room("reload");
    let url = room_url(SERVER, &room);
    let key = format!("reload-{room}");
    let reader = mount(&url, "reload-r");
    wait_state(&reader, "open", SHORT).await;
    call(SERVER, "/_test/refuse?ms=5000", false).await;
    {
        let writer = mount(&url, &key);
        wait_state(&writer, "reconnecting", SHORT).await;
        writer.send("typed before the reload");
        writer.send("and another");
        wait_until(
            "two queued",
            SHORT,
            || writer.messages().len() == 2,
            || format!("{:?}", writer.messages()),
        )
        .await;
        // Dropping the mount is the page going away: only localStorage remembers.
    }
    let writer = mount(&url, &key);
    let restored = || {
        writer
            .messages()
            .iter()
            .map(|m| (m.1.clone(), m.2.clone()))
            .collect::<Vec<_>>()
    };
    let want = [
        ("queued".to_string(), "typed before the reload".to_string()),
        ("queued".into(), "and another".into()),
    ];
    wait_until(
        "the restored outbox",
        SHORT,
        || restored() == want,
        || format!("{:?}", restored()),
    )
    .await;
    let sent = ["typed before the reload", "and another"];
    expect_delivered_once(&writer, &reader, &sent).await;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let prefix = format!("ws-chat:outbox:{key}:");
    let saved = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(&prefix))
        .count();
    assert_eq!(saved, 0, "a delivered outbox is cleared");
}

#[wasm_bindgen_test]
async fn three_server_kills_in_a_row_lose_and_duplicate_nothing() {
    let (a, b) = open_pair(CRASH_SERVER, "restarts").await;
    let mut sent = Vec::new();
    for round in 1..=3 {
        let path = "/kill?down_ms=1500";
        let kill = start_call(SUPERVISOR, path, false);
        wait_state(&a, "reconnecting", SHORT).await;
        for i in 1..=3 {
            let text = format!("round {round} message {i}");
            a.send(&text);
            sent.push(text);
        }
        finish(SUPERVISOR, path, kill).await;
        wait_state(&a, "open", SHORT).await;
        wait_state(&b, "open", SHORT).await;
    }
    expect_delivered_once(&a, &b, &sent).await;
    assert_eq!(a.texts(), sent, "the writer shows each once, in order");
}
