//! Deleting messages against the real server, in SQLite and in Redis: only a token with the
//! `moderate` right may; the deleted text is gone from the history; a tombstone with a seq of
//! its own reaches every live member (the moderator included, and members on the other
//! server of a Redis pair) and every later catch-up from before it.

mod common;

use common::tokens::{auth_server_with, hello, signed_in, token_for};
use common::{connect, recv, send, TestRedis, TestServer, TestSocket};
use serde_json::json;
use ws_chat_protocol::{ClientFrame, ServerFrame};

/// Sends `text` and returns its seq (room messages that come first are skipped).
async fn post(ws: &mut TestSocket, id: &str, text: &str) -> u64 {
    let frame = ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    };
    send(ws, &frame).await;
    loop {
        match recv(ws).await {
            ServerFrame::Ack { seq, .. } => return seq,
            ServerFrame::Msg { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
}

/// The next frame that is not a room message.
async fn answer(ws: &mut TestSocket) -> ServerFrame {
    loop {
        match recv(ws).await {
            ServerFrame::Msg { .. } => continue,
            other => return other,
        }
    }
}

async fn delete(ws: &mut TestSocket, seq: u64) -> ServerFrame {
    send(ws, &ClientFrame::Delete { seq }).await;
    answer(ws).await
}

fn error_saying(frame: &ServerFrame, words: &str) -> bool {
    matches!(frame, ServerFrame::Error { id: None, reason } if reason.contains(words))
}

/// Signed in and caught up in room `r`.
async fn member(url: &str, token: &str) -> TestSocket {
    let (mut ws, _) = signed_in(url, token).await;
    hello(&mut ws, None).await;
    ws
}

fn moderator_token() -> String {
    let rights = json!({"r": ["read", "post", "moderate"]});
    token_for("mod", "Mo", 3600, Some(rights))
}

#[tokio::test]
async fn a_moderator_deletes_and_everyone_sees_it_live_and_in_catch_up() {
    let (s, _dir) = auth_server_with(Some("post"), &[]).await;
    deletes(&s, &s).await;
}

#[tokio::test]
async fn on_a_redis_pair_too() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let url = redis.url();
    let (a, _dir_a) = auth_server_with(Some("post"), &["--redis", &url]).await;
    let (b, _dir_b) = auth_server_with(Some("post"), &["--redis", &url]).await;
    deletes(&a, &b).await;
}

/// The moderator on `here`, Ann on `there` (the same server, or the other of a pair).
async fn deletes(here: &TestServer, there: &TestServer) {
    let (url, other) = (here.ws_url("r"), there.ws_url("r"));
    let mut ann = member(&other, &token_for("ann", "Ann", 3600, None)).await;
    let mut moderator = member(&url, &moderator_token()).await;
    let first = post(&mut ann, "a1", "regrettable").await;
    let second = post(&mut ann, "a2", "fine").await;

    let refused = delete(&mut ann, first).await;
    assert!(error_saying(&refused, "may not delete"), "{refused:?}");
    let mut guest = connect(&url, true).await;
    hello(&mut guest, None).await;
    let refused = delete(&mut guest, first).await;
    assert!(error_saying(&refused, "signed-in moderator"), "{refused:?}");

    send(&mut moderator, &ClientFrame::Delete { seq: first }).await;
    let tombstone = ServerFrame::Deleted {
        seq: second + 1,
        of: first,
    };
    assert_eq!(
        answer(&mut moderator).await,
        tombstone,
        "the moderator sees it"
    );
    assert_eq!(answer(&mut ann).await, tombstone, "so does Ann");
    assert_eq!(answer(&mut guest).await, tombstone, "and the guest");

    for (seq, words) in [
        (first, "deleted already"),
        (second + 1, "no message"),
        (999, "no message"),
    ] {
        let refused = delete(&mut moderator, seq).await;
        assert!(error_saying(&refused, words), "{seq}: {refused:?}");
    }

    // A catch-up from the start: the text is gone, the tombstone comes in its place.
    let mut reader = connect(&other, true).await;
    let frames = hello(&mut reader, None).await;
    let shown: Vec<(u64, String)> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Msg { seq, text, .. } => Some((*seq, text.clone())),
            ServerFrame::Deleted { seq, of } => Some((*seq, format!("deletes {of}"))),
            _ => None,
        })
        .collect();
    let want = [
        (first, String::new()),
        (second, "fine".to_owned()),
        (second + 1, format!("deletes {first}")),
    ];
    assert_eq!(shown, want);
    // From after the second message: only the tombstone.
    let mut late = connect(&url, true).await;
    send(
        &mut late,
        &ClientFrame::Hello {
            after: Some(second),
            name: None,
        },
    )
    .await;
    assert_eq!(recv(&mut late).await, tombstone);
    assert!(matches!(recv(&mut late).await, ServerFrame::Synced { .. }));
}
