//! Catch-up in pages: a long history reaches a new member in order, messages stored meanwhile
//! follow exactly once, and a member slow to take its catch-up is not dropped for it.

mod common;

use common::{connect, connect_slow_reader, join, recv, send, TestServer, TIMEOUT};
use ws_chat_protocol::{ClientFrame, Seq, ServerFrame, MAX_TEXT_BYTES};
use ws_chat_server::Config;

/// Sends `n` messages with ids `{prefix}{i}` and waits for all their acks.
async fn send_acked(ws: &mut common::TestSocket, prefix: &str, n: usize, text: &str) {
    for i in 0..n {
        let frame = ClientFrame::Send {
            id: format!("{prefix}{i}"),
            text: text.into(),
        };
        send(ws, &frame).await;
    }
    let mut acks = 0;
    while acks < n {
        if let ServerFrame::Ack { .. } = recv(ws).await {
            acks += 1;
        }
    }
}

/// Reads `msg`s until `synced`, then live `msg`s until seq `until`; returns every seq in
/// arrival order and the `synced` head.
async fn read_until(ws: &mut common::TestSocket, until: Seq) -> (Vec<Seq>, Seq) {
    let (mut seqs, mut synced) = (Vec::new(), None);
    tokio::time::timeout(TIMEOUT * 3, async {
        while synced.is_none() || seqs.last() != Some(&until) {
            match recv(ws).await {
                ServerFrame::Msg { seq, .. } => seqs.push(seq),
                ServerFrame::Synced { head, gap } => {
                    assert!(!gap);
                    assert!(synced.is_none(), "a second synced");
                    assert_eq!(seqs.last().copied().unwrap_or(0), head);
                    synced = Some(head);
                }
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("everything in time");
    (seqs, synced.expect("synced"))
}

#[tokio::test]
async fn a_long_catch_up_and_the_messages_stored_meanwhile_arrive_once_in_order() {
    let s = TestServer::with(Config {
        history: 2000,
        ..common::flooding()
    })
    .await;
    let url = s.ws_url("long");
    let (mut writer, _) = join(&url, None).await;
    send_acked(&mut writer, "old-", 230, "history").await;

    // More arrive while the newcomer is catching up.
    let mut reader = connect(&url, true).await;
    send(
        &mut reader,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    let busy = tokio::spawn(async move {
        send_acked(&mut writer, "new-", 60, "meanwhile").await;
        writer
    });
    let (seqs, _) = read_until(&mut reader, 290).await;
    assert_eq!(seqs, (1..=290).collect::<Vec<_>>());
    let mut writer = busy.await.expect("writer");

    // A second hello starts over from its own `after`, and nothing comes twice.
    send(
        &mut reader,
        &ClientFrame::Hello {
            after: Some(280),
            name: None,
        },
    )
    .await;
    let (seqs, head) = read_until(&mut reader, 290).await;
    assert_eq!((seqs, head), ((281..=290).collect::<Vec<_>>(), 290));
    send_acked(&mut writer, "last-", 1, "live").await;
    assert!(matches!(
        recv(&mut reader).await,
        ServerFrame::Msg { seq: 291, .. }
    ));
    common::assert_silent(&mut reader, 100).await;
    s.abandon();
}

/// The newcomer takes its catch-up slowly while the room is busy. It is not live until its
/// catch-up reaches the head, so the room's messages do not pile up in its queue (which would
/// overflow and close it with 1013); they come as later pages.
#[tokio::test]
async fn a_slow_catch_up_in_a_busy_room_does_not_overflow_the_queue() {
    let s = TestServer::with(Config {
        max_queue_bytes: 128 * 1024,
        ..common::flooding()
    })
    .await;
    let url = s.ws_url("busy");
    let big = "h".repeat(MAX_TEXT_BYTES);
    let (mut writer, _) = join(&url, None).await;
    // More than the kernel buffers of one loopback connection hold, so the catch-up stalls.
    send_acked(&mut writer, "old-", 400, &big).await;

    let mut reader = connect_slow_reader(&url, true).await;
    send(
        &mut reader,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    // Its first message proves the catch-up under way. The reader takes nothing more for now,
    // so the catch-up stalls behind it while the room goes on.
    match recv(&mut reader).await {
        ServerFrame::Msg { seq: 1, .. } => {}
        other => panic!("expected the first message of the catch-up, got {other:?}"),
    }
    send_acked(&mut writer, "new-", 20, &big).await;

    let (seqs, _) = read_until(&mut reader, 420).await;
    assert_eq!(seqs, (2..=420).collect::<Vec<_>>());
    // Still welcome: no 1013 waiting behind the catch-up.
    send(&mut reader, &ClientFrame::Ping).await;
    assert_eq!(recv(&mut reader).await, ServerFrame::Pong);
    s.abandon();
}
