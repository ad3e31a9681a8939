//! What a connection speaks is fixed by its handshake: the selected sub-protocol, the in-band
//! query parameter (then `welcome` comes first), or plain text at once.

mod common;

use common::{assert_silent, connect, recv, recv_text, send, TestServer};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame, IN_BAND_QUERY};

fn in_band_url(s: &TestServer, room: &str) -> String {
    let (name, value) = IN_BAND_QUERY;
    format!("{}&{name}={value}", s.ws_url(room))
}

#[tokio::test]
async fn the_selected_subprotocol_means_wschat_without_a_welcome() {
    let s = TestServer::start().await;
    // The in-band marker changes nothing once the header did its job.
    let mut ws = connect(&in_band_url(&s, "header"), true).await;
    assert_silent(&mut ws, 200).await;
    send(
        &mut ws,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Synced {
            head: 0,
            gap: false
        }
    );
    s.abandon();
}

/// A ws-chat client behind a proxy that strips `Sec-WebSocket-Protocol`: no sub-protocol, the
/// query parameter instead. `welcome` is its first frame even in a busy room.
#[tokio::test]
async fn the_in_band_query_means_wschat_and_welcome_comes_first() {
    let s = TestServer::start().await;
    let mut plain = connect(&s.ws_url("band"), false).await;
    let mut listener = connect(&s.ws_url("band"), false).await;
    plain.send(Message::text("before")).await.expect("send");
    assert_eq!(recv_text(&mut listener).await, "before");

    let mut client = connect(&in_band_url(&s, "band"), false).await;
    plain.send(Message::text("during")).await.expect("send");
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Welcome { nonce: None }
    );
    assert_eq!(recv_text(&mut listener).await, "during");
    // Not live before its hello; then the catch-up, in seq order.
    assert_silent(&mut client, 100).await;
    send(
        &mut client,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    for (seq, text) in [(1, "before"), (2, "during")] {
        assert_eq!(
            recv(&mut client).await,
            ServerFrame::Msg {
                seq,
                id: None,
                text: text.into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            }
        );
    }
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Synced {
            head: 2,
            gap: false
        }
    );
    send(
        &mut client,
        &ClientFrame::Send {
            id: "in-band-1".into(),
            text: "after".into(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Ack {
            id: "in-band-1".into(),
            seq: 3,
            ts: None,
        }
    );
    assert_eq!(recv_text(&mut listener).await, "after");
    assert_eq!(recv_text(&mut plain).await, "after");
    s.abandon();
}

/// No sub-protocol and no marker: plain from the first moment. It gets the room's text at
/// once, and even a `hello` from it is just a chat line for the others.
#[tokio::test]
async fn anything_else_is_plain_at_once_and_never_sees_an_envelope() {
    let s = TestServer::start().await;
    let mut quiet = connect(&s.ws_url("plain"), false).await;
    let mut talker = connect(&s.ws_url("plain"), false).await;
    talker.send(Message::text("hi")).await.expect("send");
    let started = std::time::Instant::now();
    assert_eq!(recv_text(&mut quiet).await, "hi");
    assert!(started.elapsed() < std::time::Duration::from_millis(500));

    let hello = ClientFrame::Hello {
        after: Some(0),
        name: None,
    }
    .encode();
    quiet
        .send(Message::text(hello.clone()))
        .await
        .expect("send");
    assert_eq!(recv_text(&mut talker).await, hello);
    assert_silent(&mut quiet, 200).await;
    s.abandon();
}

/// An in-band client that heard no `welcome` in time took the server for a plain one: its
/// first frame is plain text. It reaches the room as text, and the client gets the room's text
/// rather than `error` envelopes it would show as chat lines.
#[tokio::test]
async fn an_in_band_client_that_speaks_plain_text_first_is_a_plain_member() {
    let s = TestServer::start().await;
    let mut other = connect(&s.ws_url("late"), false).await;
    let mut client = connect(&in_band_url(&s, "late"), false).await;
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Welcome { nonce: None }
    );
    client.send(Message::text("typed")).await.expect("send");
    assert_eq!(recv_text(&mut other).await, "typed");
    assert_silent(&mut client, 200).await;
    other.send(Message::text("answer")).await.expect("send");
    assert_eq!(recv_text(&mut client).await, "answer");
    // Later frames are plain text too, even one that looks like an envelope.
    let hello = ClientFrame::Hello {
        after: Some(0),
        name: None,
    }
    .encode();
    client
        .send(Message::text(hello.clone()))
        .await
        .expect("send");
    assert_eq!(recv_text(&mut other).await, hello);
    s.abandon();
}
