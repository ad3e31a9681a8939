//! Chat behaviour over real WebSockets: plain peers, wschat.v1 peers, and the two together.

mod common;

use common::{assert_silent, connect, http, join, next_message, recv, recv_text, send, TestServer};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::close_code::restart_delay_ms;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

#[tokio::test]
async fn plain_text_goes_to_every_other_client_of_the_room_only() {
    let s = TestServer::start().await;
    let mut a = connect(&s.ws_url("r1"), false).await;
    let mut b = connect(&s.ws_url("r1"), false).await;
    let mut other_room = connect(&s.ws_url("r2"), false).await;
    let mut lobby = connect(&format!("ws://{}/ws", s.addr), false).await;
    a.send(Message::text("hello room")).await.expect("send");
    assert_eq!(recv_text(&mut b).await, "hello room");
    assert_silent(&mut a, 200).await;
    assert_silent(&mut other_room, 0).await;
    let mut lobby2 = connect(&format!("ws://{}/ws?room=lobby", s.addr), false).await;
    lobby
        .send(Message::text("in the lobby"))
        .await
        .expect("send");
    assert_eq!(recv_text(&mut lobby2).await, "in the lobby");
    assert_silent(&mut b, 100).await;
    // Binary frames are not chat: no answer, the connection stays.
    a.send(Message::binary(vec![1, 2, 3])).await.expect("send");
    a.send(Message::text("still here")).await.expect("send");
    assert_eq!(recv_text(&mut b).await, "still here");
    assert_silent(&mut a, 100).await;
    s.abandon();
}

#[tokio::test]
async fn send_is_acked_broadcast_and_kept_for_catch_up() {
    let s = TestServer::start().await;
    let url = s.ws_url("chat");
    let (mut alice, hello) = join(&url, None).await;
    assert_eq!(
        hello,
        [ServerFrame::Synced {
            head: 0,
            gap: false
        }]
    );
    let (mut bob, _) = join(&url, None).await;
    let mut plain = connect(&url, false).await;

    send(&mut alice, &send_frame("a-1", "<b>hi</b>")).await;
    assert_eq!(
        recv(&mut alice).await,
        ServerFrame::Ack {
            id: "a-1".into(),
            seq: 1,
            ts: None,
        }
    );
    assert_eq!(
        recv(&mut bob).await,
        ServerFrame::Msg {
            seq: 1,
            id: Some("a-1".into()),
            text: "<b>hi</b>".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        }
    );
    assert_eq!(recv_text(&mut plain).await, "<b>hi</b>");

    // A plain peer's line is stored too and reaches wschat.v1 peers as an id-less msg.
    plain.send(Message::text("from plain")).await.expect("send");
    for ws in [&mut alice, &mut bob] {
        assert_eq!(
            recv(ws).await,
            ServerFrame::Msg {
                seq: 2,
                id: None,
                text: "from plain".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            }
        );
    }

    let (_late, catch_up) = join(&url, Some(0)).await;
    assert_eq!(
        catch_up,
        [
            ServerFrame::Msg {
                seq: 1,
                id: Some("a-1".into()),
                text: "<b>hi</b>".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            ServerFrame::Msg {
                seq: 2,
                id: None,
                text: "from plain".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            ServerFrame::Synced {
                head: 2,
                gap: false
            },
        ]
    );
    let (_later, tail) = join(&url, Some(1)).await;
    assert_eq!(tail.len(), 2);
    let (_now, head_only) = join(&url, None).await;
    assert_eq!(
        head_only,
        [ServerFrame::Synced {
            head: 2,
            gap: false
        }]
    );
    s.abandon();
}

#[tokio::test]
async fn a_client_close_is_answered_and_the_connection_removed() {
    let s = TestServer::start().await;
    let mut ws = connect(&s.ws_url("bye"), true).await;
    assert_eq!(
        http(s.addr, "GET", "/_test/connections?room=bye")
            .await
            .body,
        "1"
    );
    ws.close(None).await.expect("close");
    match next_message(&mut ws).await {
        Message::Close(_) => {}
        other => panic!("expected the close reply, got {other:?}"),
    }
    assert!(ws.next().await.is_none());
    wait_for_connections(&s, "0").await;
    s.stop().await;
}

#[tokio::test]
async fn shutdown_closes_connections_with_service_restart() {
    let s = TestServer::start().await;
    let mut plain = connect(&s.ws_url("a"), false).await;
    let (mut chat, _) = join(&s.ws_url("b"), None).await;
    let stopping = tokio::spawn(s.stop());
    for ws in [&mut plain, &mut chat] {
        match next_message(ws).await {
            Message::Close(Some(frame)) => {
                assert_eq!(frame.code, CloseCode::Restart);
                assert!(restart_delay_ms(&frame.reason).is_some(), "{frame:?}");
            }
            other => panic!("expected a 1012 close, got {other:?}"),
        }
        // Reading on sends the close reply; then the server ends the connection.
        assert!(ws.next().await.is_none());
    }
    stopping.await.expect("stopped");
}

#[tokio::test]
async fn an_oversized_message_is_closed_with_1009() {
    let s = TestServer::with(Config {
        max_message_bytes: 1024,
        ..Config::in_memory()
    })
    .await;
    let mut ws = connect(&s.ws_url("big"), false).await;
    ws.send(Message::text("z".repeat(2048)))
        .await
        .expect("send");
    match next_message(&mut ws).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Size),
        other => panic!("expected a 1009 close, got {other:?}"),
    }
    s.stop().await;
}

async fn wait_for_connections(s: &TestServer, want: &str) {
    for _ in 0..50 {
        if http(s.addr, "GET", "/_test/connections").await.body == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("connections never became {want}");
}
