//! wschat.v1 in detail: re-sent ids, rejects and errors, sends before `hello`, a capped
//! history, and concurrent senders.

mod common;

use common::{assert_silent, connect, join, recv, send, TestServer};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame, MAX_TEXT_BYTES};
use ws_chat_server::Config;

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

#[tokio::test]
async fn a_resent_id_is_acked_with_its_seq_and_not_broadcast_again() {
    let s = TestServer::start().await;
    let url = s.ws_url("dedupe");
    let (mut alice, _) = join(&url, None).await;
    let (mut bob, _) = join(&url, None).await;
    send(&mut alice, &send_frame("x", "once")).await;
    assert_eq!(
        recv(&mut alice).await,
        ServerFrame::Ack {
            id: "x".into(),
            seq: 1,
            ts: None,
        }
    );
    assert!(matches!(
        recv(&mut bob).await,
        ServerFrame::Msg { seq: 1, .. }
    ));
    // Re-sent on another connection, as after a reconnect.
    let mut again = connect(&url, true).await;
    send(&mut again, &send_frame("x", "once")).await;
    assert_eq!(
        recv(&mut again).await,
        ServerFrame::Ack {
            id: "x".into(),
            seq: 1,
            ts: None,
        }
    );
    assert_silent(&mut bob, 200).await;
    s.abandon();
}

#[tokio::test]
async fn bad_sends_are_rejected_and_bad_frames_answered_without_closing() {
    let s = TestServer::start().await;
    let (mut ws, _) = join(&s.ws_url("bad"), None).await;
    send(&mut ws, &send_frame("e", "")).await;
    assert!(matches!(recv(&mut ws).await, ServerFrame::Reject { id, .. } if id == "e"));
    let big = "x".repeat(MAX_TEXT_BYTES + 1);
    send(&mut ws, &send_frame("big", &big)).await;
    match recv(&mut ws).await {
        ServerFrame::Reject { id, reason, .. } => {
            assert_eq!(id, "big");
            assert!(
                reason.contains("16385") && reason.contains("16384"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    send(&mut ws, &send_frame("max", &"y".repeat(MAX_TEXT_BYTES))).await;
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "max".into(),
            seq: 1,
            ts: None,
        }
    );

    for junk in [
        "not json",
        "{}",
        r#"{"type":"warp"}"#,
        r#"{"type":"send","id":1}"#,
    ] {
        ws.send(Message::text(junk)).await.expect("send");
        match recv(&mut ws).await {
            ServerFrame::Error { reason, .. } => {
                assert!(reason.starts_with("malformed wschat.v1"), "{reason}")
            }
            other => panic!("{junk}: {other:?}"),
        }
    }
    ws.send(Message::binary(vec![0u8; 4])).await.expect("send");
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Error {
            id: None,
            reason: "binary frames are not part of wschat.v1".into()
        }
    );
    send(&mut ws, &ClientFrame::Ping).await;
    assert_eq!(recv(&mut ws).await, ServerFrame::Pong);
    s.abandon();
}

#[tokio::test]
async fn sending_before_hello_works_and_live_messages_start_at_hello() {
    let s = TestServer::start().await;
    let url = s.ws_url("early");
    let mut early = connect(&url, true).await;
    send(&mut early, &send_frame("e1", "before hello")).await;
    assert_eq!(
        recv(&mut early).await,
        ServerFrame::Ack {
            id: "e1".into(),
            seq: 1,
            ts: None,
        }
    );
    let (mut other, _) = join(&url, None).await;
    send(&mut other, &send_frame("o1", "second")).await;
    assert_eq!(
        recv(&mut other).await,
        ServerFrame::Ack {
            id: "o1".into(),
            seq: 2,
            ts: None,
        }
    );
    // Not joined yet: nothing live. Its hello then catches up in seq order.
    assert_silent(&mut early, 100).await;
    send(
        &mut early,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    assert!(matches!(
        recv(&mut early).await,
        ServerFrame::Msg { seq: 1, .. }
    ));
    assert!(matches!(
        recv(&mut early).await,
        ServerFrame::Msg { seq: 2, .. }
    ));
    assert_eq!(
        recv(&mut early).await,
        ServerFrame::Synced {
            head: 2,
            gap: false
        }
    );
    s.abandon();
}

#[tokio::test]
async fn history_is_capped_and_catch_up_reports_the_gap() {
    let s = TestServer::with(Config {
        history: 3,
        ..common::flooding()
    })
    .await;
    let url = s.ws_url("capped");
    let (mut ws, _) = join(&url, None).await;
    for i in 1..=5 {
        send(&mut ws, &send_frame(&format!("m{i}"), &format!("text {i}"))).await;
        assert!(matches!(recv(&mut ws).await, ServerFrame::Ack { seq, .. } if seq == i));
    }
    let (_a, frames) = join(&url, Some(1)).await;
    let seqs: Vec<_> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Msg { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, [3, 4, 5]);
    assert_eq!(
        frames.last(),
        Some(&ServerFrame::Synced { head: 5, gap: true })
    );
    let (_b, frames) = join(&url, Some(2)).await;
    assert_eq!(
        frames.last(),
        Some(&ServerFrame::Synced {
            head: 5,
            gap: false
        })
    );
    let (_c, frames) = join(&url, Some(5)).await;
    assert_eq!(
        frames,
        [ServerFrame::Synced {
            head: 5,
            gap: false
        }]
    );
    s.abandon();
}

#[tokio::test]
async fn concurrent_senders_are_seen_in_increasing_seq_by_everyone() {
    let s = TestServer::start().await;
    let url = s.ws_url("busy");
    const SENDERS: usize = 4;
    const EACH: usize = 15;
    let (mut watcher, _) = join(&url, None).await;
    let mut senders = Vec::new();
    for n in 0..SENDERS {
        let (mut ws, _) = join(&url, None).await;
        senders.push(tokio::spawn(async move {
            for i in 0..EACH {
                send(&mut ws, &send_frame(&format!("s{n}-{i}"), "x")).await;
            }
            // Drain until every own message is acked; other senders' msgs interleave.
            let (mut acks, mut last_msg) = (0, 0);
            while acks < EACH {
                match recv(&mut ws).await {
                    ServerFrame::Ack { .. } => acks += 1,
                    ServerFrame::Msg { seq, .. } => {
                        assert!(seq > last_msg, "{seq} after {last_msg}");
                        last_msg = seq;
                    }
                    other => panic!("{other:?}"),
                }
            }
        }));
    }
    let mut last = 0;
    for _ in 0..SENDERS * EACH {
        match recv(&mut watcher).await {
            ServerFrame::Msg { seq, .. } => {
                assert_eq!(seq, last + 1);
                last = seq;
            }
            other => panic!("{other:?}"),
        }
    }
    for t in senders {
        t.await.expect("sender");
    }
    s.abandon();
}
