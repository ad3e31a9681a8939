//! Several server URLs: a chat skips a server that is not there, and leaves one that dies, for
//! the next in its list; the status line says which server it is on.

use super::embed_support::{add, role, wait_open};
use super::support::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Nothing listens on port 1: connecting there fails at once.
fn unreachable_url(room: &str) -> String {
    format!("ws://127.0.0.1:1/ws?room={room}")
}

fn server_attribute(chat: &Mounted) -> String {
    chat.find("status")
        .and_then(|e| e.get_attribute("data-server"))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_chat_skips_an_unreachable_server_and_delivers_on_the_next() {
    let room = room("failover");
    let urls = format!("{} {}", unreachable_url(&room), room_url(SERVER, &room));
    let started = js_sys::Date::now();
    let writer = mount(&urls, "failover-writer");
    wait_state(&writer, "open", SHORT).await;
    let took = js_sys::Date::now() - started;
    assert!(took < 3_000.0, "the first server cost {took} ms");
    assert_eq!(server_attribute(&writer), SERVER);
    let text = writer.status_text();
    assert!(
        text.starts_with(&format!("Connected to {SERVER}")),
        "{text}"
    );
    let reader = mount(&room_url(SERVER, &room), "failover-reader");
    wait_state(&reader, "open", SHORT).await;
    assert_eq!(server_attribute(&reader), SERVER, "one server: still named");
    let text = reader.status_text();
    assert!(
        text.starts_with("Connected") && !text.contains(SERVER),
        "{text}"
    );
    writer.send("via the second server");
    expect_delivered_once(&writer, &reader, &["via the second server"]).await;
}

#[wasm_bindgen_test]
async fn a_killed_servers_chat_is_on_the_next_server_within_seconds() {
    let room = room("failover-kill");
    let urls = format!(
        "{} {}",
        room_url(CRASH_SERVER, &room),
        room_url(SERVER, &room)
    );
    let chat = mount(&urls, "failover-kill");
    wait_state(&chat, "open", SHORT).await;
    assert_eq!(server_attribute(&chat), CRASH_SERVER);
    // Down for longer than the chat may take to be elsewhere.
    let path = "/kill?down_ms=6000";
    let kill = start_call(SUPERVISOR, path, false);
    let on_the_next = || chat.state() == "open" && server_attribute(&chat) == SERVER;
    wait_until(
        "reconnecting",
        SHORT,
        || chat.state() != "open",
        || chat.status_text(),
    )
    .await;
    let lost = js_sys::Date::now();
    wait_until("open on the next server", SHORT, on_the_next, || {
        format!("{} ({})", chat.status_text(), server_attribute(&chat))
    })
    .await;
    let took = js_sys::Date::now() - lost;
    assert!(took < 3_000.0, "failover took {took} ms");
    wait_connections(&room, 1).await;
    finish(SUPERVISOR, path, kill).await;
}

#[wasm_bindgen_test]
async fn a_data_ws_url_attribute_may_list_several_servers() {
    let room = room("failover-attribute");
    let urls = format!("{} {}", unreachable_url(&room), room_url(SERVER, &room));
    let element = add("div", &[("data-ws-chat", ""), ("data-ws-url", &urls)]);
    wait_open(&element).await;
    let status = role(&element, "status").expect("a status line");
    assert_eq!(status.get_attribute("data-server").as_deref(), Some(SERVER));
    wait_connections(&room, 1).await;
    element.remove();
    wait_connections(&room, 0).await;
}
