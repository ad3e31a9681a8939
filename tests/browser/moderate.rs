//! A deleted message, against the companion server that checks tokens: a moderator (a bare
//! WebSocket here, with a token granting `moderate`) deletes a message a signed-in chat
//! sent; that chat shows "message deleted" in its place at once, and a chat that joins later
//! shows it so from its catch-up.

use crate::support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::WebSocket;
use ws_chat::DisplayConfig;
use ws_chat_protocol::ClientFrame;

/// A bare wschat.v1 connection that signs in with `token`, says hello and deletes `seq`; the
/// socket and its open handler live as long as the returned pair.
fn delete_as_moderator(url: &str, token: String, seq: u64) -> (WebSocket, Closure<dyn FnMut()>) {
    let socket = WebSocket::new_with_str(url, "wschat.v1").unwrap();
    let frames = [
        ClientFrame::Auth { token },
        ClientFrame::Hello {
            after: None,
            name: None,
        },
        ClientFrame::Delete { seq },
    ];
    let sender = socket.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        for frame in &frames {
            sender.send_with_str(&frame.encode()).unwrap();
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    (socket, on_open)
}

fn token_path(who: &str, moderate: bool) -> String {
    format!("/_test/token?sub={who}&name={who}&secs=600&moderate={moderate}")
}

fn token_url(who: &str) -> String {
    format!("http://{SIGNING_SERVER}{}", token_path(who, false))
}

#[wasm_bindgen_test]
async fn a_deleted_message_shows_as_deleted_live_and_after_a_catch_up() {
    let url = room_url(SIGNING_SERVER, &room("moderated"));
    let ann = mount_signed(&url, "mod-ann", DisplayConfig::default(), &token_url("ann"));
    wait_state(&ann, "open", SHORT).await;
    ann.send("regrettable");
    ann.send("fine");
    let delivered = || ann.messages().iter().filter(|m| m.1 == "delivered").count() == 2;
    wait_until("both delivered", SHORT, delivered, || {
        format!("{:?}", ann.messages())
    })
    .await;
    let seq: u64 = ann
        .find("message")
        .and_then(|m| m.get_attribute("data-seq"))
        .and_then(|s| s.parse().ok())
        .expect("the first message's seq");

    // `{"token":"…"}`
    let body = call(SIGNING_SERVER, &token_path("mo", true), true).await;
    let token = body.split('"').nth(3).expect("a token").to_owned();
    let _moderator = delete_as_moderator(&url, token, seq);

    let deleted = || ann.texts() == ["message deleted", "fine"];
    wait_until("the deletion shown", SHORT, deleted, || {
        format!("{:?}", ann.texts())
    })
    .await;
    assert!(ann.root.query_selector("[data-deleted]").unwrap().is_some());

    let later = mount_signed(
        &url,
        "mod-later",
        DisplayConfig::default(),
        &token_url("bob"),
    );
    let caught_up = || later.texts() == ["message deleted", "fine"];
    wait_until("the catch-up", SHORT, caught_up, || {
        format!("{:?}", later.texts())
    })
    .await;
}
