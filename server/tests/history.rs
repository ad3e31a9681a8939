//! Older history (`history {before, limit}`) against the real server, in SQLite and across a
//! Redis pair: pages by seq back to the first message, `more` false only there, the page size
//! capped, deleted messages blank and tombstones left out, pruning respected, and a live
//! message never inside a page's frames.

mod common;

use common::tokens::{auth_server_with, hello, signed_in, token_for};
use common::{join, recv, send, TestRedis, TestServer, TestSocket};
use serde_json::json;
use ws_chat_protocol::{ClientFrame, ServerFrame, MAX_HISTORY_PAGE};
use ws_chat_server::Config;

/// Sends `n` messages `"m1"…` and waits for every ack.
async fn post(ws: &mut TestSocket, n: u64) {
    for i in 1..=n {
        let frame = ClientFrame::Send {
            id: format!("id-{i}"),
            text: format!("m{i}"),
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

/// Asks for the page before `before` and returns `(seqs, texts, more)`.
async fn older(
    ws: &mut TestSocket,
    before: Option<u64>,
    limit: u32,
) -> (Vec<u64>, Vec<String>, bool) {
    send(ws, &ClientFrame::History { before, limit }).await;
    let (count, more) = match recv(ws).await {
        ServerFrame::History {
            before: echoed,
            count,
            more,
        } => {
            assert_eq!(echoed, before);
            (count, more)
        }
        other => panic!("{other:?}"),
    };
    let (mut seqs, mut texts) = (Vec::new(), Vec::new());
    for _ in 0..count {
        match recv(ws).await {
            ServerFrame::Msg { seq, text, .. } => {
                seqs.push(seq);
                texts.push(text);
            }
            other => panic!("a page holds messages only: {other:?}"),
        }
    }
    (seqs, texts, more)
}

fn range(lo: u64, hi: u64) -> Vec<u64> {
    (lo..=hi).collect()
}

/// Scrolls all the way back from the newest, `limit` at a time; returns every seq seen, in
/// the order the pages came (newest page first, each oldest first).
async fn scroll_back(ws: &mut TestSocket, limit: u32) -> Vec<Vec<u64>> {
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let (seqs, _, more) = older(ws, before, limit).await;
        before = seqs.first().copied();
        pages.push(seqs);
        if !more {
            return pages;
        }
    }
}

#[tokio::test]
async fn pages_go_back_by_seq_to_the_first_message() {
    let server = TestServer::start().await;
    let (mut ws, _) = join(&server.ws_url("back"), Some(0)).await;
    post(&mut ws, 250).await;
    let pages = scroll_back(&mut ws, 100).await;
    assert_eq!(pages, [range(151, 250), range(51, 150), range(1, 50)]);
    // The same page asked for again is the same page, whatever came since.
    post(&mut ws, 5).await;
    let (seqs, texts, more) = older(&mut ws, Some(51), 100).await;
    assert_eq!((seqs, more), (range(1, 50), false));
    assert_eq!(texts[0], "m1");
    // Before the first message there is nothing.
    assert_eq!(older(&mut ws, Some(1), 10).await, (vec![], vec![], false));
    // A page is capped at MAX_HISTORY_PAGE, and at least one message.
    let (seqs, _, more) = older(&mut ws, None, 10_000).await;
    assert_eq!((seqs.len() as u32, more), (MAX_HISTORY_PAGE, true));
    assert_eq!(older(&mut ws, Some(3), 0).await.0, [2]);
    // An empty room has no page.
    let (mut empty, _) = join(&server.ws_url("empty"), Some(0)).await;
    assert_eq!(older(&mut empty, None, 50).await, (vec![], vec![], false));
    server.stop().await;
}

#[tokio::test]
async fn pruned_history_ends_the_pages_where_it_starts() {
    let server = TestServer::with(Config {
        history: 30,
        ..common::flooding()
    })
    .await;
    let (mut ws, _) = join(&server.ws_url("pruned"), Some(0)).await;
    post(&mut ws, 100).await;
    let pages = scroll_back(&mut ws, 20).await;
    assert_eq!(pages, [range(81, 100), range(71, 80)]);
    server.stop().await;
}

#[tokio::test]
async fn deleted_messages_are_blank_and_tombstones_are_left_out() {
    let (server, _dir) = auth_server_with(Some("post"), &[]).await;
    // Rights in room `r`.
    let token = token_for(
        "mod",
        "Mo",
        3600,
        Some(json!({"r": ["read", "post", "moderate"]})),
    );
    let (mut ws, _) = signed_in(&server.ws_url("r"), &token).await;
    hello(&mut ws, None).await;
    post(&mut ws, 3).await;
    send(&mut ws, &ClientFrame::Delete { seq: 2 }).await;
    assert_eq!(recv(&mut ws).await, ServerFrame::Deleted { seq: 4, of: 2 });
    let (seqs, texts, more) = older(&mut ws, None, 10).await;
    assert_eq!((seqs, more), (range(1, 3), false));
    assert_eq!(texts, ["m1", "", "m3"]);
    server.stop().await;
}

#[tokio::test]
async fn a_redis_pair_pages_what_either_server_stored() {
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
    let (mut ann, _) = join(&a.ws_url("pair"), Some(0)).await;
    let (mut bob, _) = join(&b.ws_url("pair"), Some(0)).await;
    post(&mut ann, 120).await;
    // Bob hears them live first; his pages then bring them again, as asked.
    for _ in 0..120 {
        assert!(matches!(recv(&mut bob).await, ServerFrame::Msg { .. }));
    }
    let pages = scroll_back(&mut bob, 50).await;
    assert_eq!(pages, [range(71, 120), range(21, 70), range(1, 20)]);
    a.stop().await;
    b.stop().await;
}
