//! Who is typing, against the real server: relayed to the rest of the room and never back to
//! the typer, one `who` per signed-in user, a stop when the typer sends or leaves, held back
//! past the gate, refused without the right to post, and across a Redis pair.

mod common;

use common::tokens::{auth_server_with, hello, signed_in, token_for};
use common::{assert_silent, join, join_as, recv, send, TestRedis, TestServer, TestSocket};
use serde_json::json;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

async fn typing(ws: &mut TestSocket, active: bool) {
    send(ws, &ClientFrame::Typing { active }).await;
}

/// The next frame, which must be a `typing`: `(who, from, guest, active)`.
async fn heard(ws: &mut TestSocket) -> (String, Option<String>, bool, bool) {
    match recv(ws).await {
        ServerFrame::Typing {
            who,
            from,
            guest,
            active,
        } => (who, from, guest, active),
        other => panic!("expected typing, got {other:?}"),
    }
}

#[tokio::test]
async fn typing_reaches_the_others_and_stops_on_send_and_on_leaving() {
    let server = TestServer::start().await;
    let url = server.ws_url("typing");
    let (mut ann, _) = join_as(&url, Some(0), Some("Ann")).await;
    let (mut bob, _) = join(&url, Some(0)).await;
    typing(&mut ann, true).await;
    let (who, from, guest, active) = heard(&mut bob).await;
    assert!(who.starts_with("guest:"), "{who}");
    assert_eq!((from.as_deref(), guest, active), (Some("Ann"), false, true));
    // Sending a message is a stop, before the message itself.
    let frame = ClientFrame::Send {
        id: "a1".into(),
        text: "hi".into(),
    };
    send(&mut ann, &frame).await;
    assert!(!heard(&mut bob).await.3);
    assert!(matches!(recv(&mut bob).await, ServerFrame::Msg { .. }));
    assert!(matches!(recv(&mut ann).await, ServerFrame::Ack { .. }));
    // The typer never hears itself.
    assert_silent(&mut ann, 200).await;

    // A start past the gate's second, then the tab closes: a stop comes at once.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    typing(&mut ann, true).await;
    assert_eq!(
        heard(&mut bob).await,
        (who.clone(), from.clone(), false, true)
    );
    drop(ann);
    assert_eq!(heard(&mut bob).await, (who, from, false, false));
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_typing_is_held_back_and_never_answered() {
    let server = TestServer::start().await;
    let url = server.ws_url("flood");
    let (mut ann, _) = join(&url, Some(0)).await;
    let (mut bob, _) = join(&url, Some(0)).await;
    for i in 0..500 {
        typing(&mut ann, i % 2 == 0).await;
    }
    // Within a second of the flood: one start and one stop got through.
    assert!(heard(&mut bob).await.3);
    assert!(!heard(&mut bob).await.3);
    assert_silent(&mut bob, 300).await;
    assert_silent(&mut ann, 100).await;
    // The connection is fine: it still chats.
    send(&mut ann, &ClientFrame::Ping).await;
    assert_eq!(recv(&mut ann).await, ServerFrame::Pong);
    server.stop().await;
}

#[tokio::test]
async fn one_user_in_two_tabs_is_one_typer_and_readers_cannot_type() {
    let (server, _dir) = auth_server_with(None, &[]).await;
    let url = server.ws_url("lobby");
    let ann = token_for("u-ann", "Ann", 300, None);
    let reader = token_for("u-rex", "Rex", 300, Some(json!({"lobby": ["read"]})));
    let (mut tab1, _) = signed_in(&url, &ann).await;
    hello(&mut tab1, None).await;
    let (mut tab2, _) = signed_in(&url, &ann).await;
    hello(&mut tab2, None).await;
    let (mut rex, _) = signed_in(&url, &reader).await;
    hello(&mut rex, None).await;
    typing(&mut tab1, true).await;
    let first = heard(&mut rex).await;
    assert_eq!(first, ("u-ann".into(), Some("Ann".into()), false, true));
    // The other tab hears its own user: a client leaves itself out by that `who`.
    assert_eq!(heard(&mut tab2).await, first);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    typing(&mut tab2, true).await;
    assert_eq!(heard(&mut rex).await, first);
    assert_eq!(heard(&mut tab1).await, first);
    // A reader's typing is not relayed, and the connection stays.
    typing(&mut rex, true).await;
    assert_silent(&mut tab1, 300).await;
    send(&mut rex, &ClientFrame::Ping).await;
    assert_eq!(recv(&mut rex).await, ServerFrame::Pong);
    server.stop().await;
}

#[tokio::test]
async fn a_redis_pair_relays_typing_between_servers() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let on_redis = || Config {
        redis: Some(redis.url()),
        ..common::flooding()
    };
    let (a, b) = (
        TestServer::with(on_redis()).await,
        TestServer::with(on_redis()).await,
    );
    let (mut ann, _) = join_as(&a.ws_url("pair"), Some(0), Some("Ann")).await;
    let (mut bob, _) = join(&b.ws_url("pair"), Some(0)).await;
    let (mut cy, _) = join(&a.ws_url("pair"), Some(0)).await;
    typing(&mut ann, true).await;
    let (who, from, _, active) = heard(&mut bob).await;
    assert_eq!((from.as_deref(), active), (Some("Ann"), true));
    assert_eq!(heard(&mut cy).await.0, who);
    assert_silent(&mut ann, 300).await;
    // Ann's server goes away with her connection open: the stop still reaches the others.
    drop(ann);
    assert_eq!(
        heard(&mut bob).await,
        (who.clone(), from.clone(), false, false)
    );
    assert_eq!(heard(&mut cy).await, (who, from, false, false));
    a.stop().await;
    b.stop().await;
}
