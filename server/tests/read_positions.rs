//! Where a signed-in user stopped reading, against the real server: kept per user and room,
//! only ever moving forward, told to a watching connection before its catch-up and to the
//! user's other connections as it moves (across a Redis pair too), and nothing for guests.

mod common;

use common::tokens::{auth_server_with, signed_in, token_for};
use common::watch::{next_other, Roster};
use common::{send, TestRedis, TestSocket};
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, ServerFrame};

/// Watches and says hello; returns the frames before `synced` that are not messages.
async fn join_watching(ws: &mut TestSocket, roster: &mut Roster) -> Vec<ServerFrame> {
    send(ws, &ClientFrame::Watch).await;
    let hello = ClientFrame::Hello {
        after: Some(0),
        name: None,
    };
    send(ws, &hello).await;
    let mut before = Vec::new();
    loop {
        match next_other(ws, roster).await {
            ServerFrame::Synced { .. } => return before,
            ServerFrame::Msg { .. } => {}
            other => before.push(other),
        }
    }
}

async fn post(ws: &mut TestSocket, roster: &mut Roster, n: u64) {
    for i in 1..=n {
        let frame = ClientFrame::Send {
            id: format!("m{i}"),
            text: format!("m{i}"),
        };
        send(ws, &frame).await;
    }
    let mut acks = 0;
    while acks < n {
        if let ServerFrame::Ack { .. } = next_other(ws, roster).await {
            acks += 1;
        }
    }
}

/// Reads for `ms`: messages and presence may come, a `read` may not.
async fn no_read_for(ws: &mut TestSocket, roster: &mut Roster, ms: u64) {
    let _ = tokio::time::timeout(Duration::from_millis(ms), async {
        loop {
            let frame = next_other(ws, roster).await;
            assert!(!matches!(frame, ServerFrame::Read { .. }), "{frame:?}");
        }
    })
    .await;
}

async fn read(ws: &mut TestSocket, seq: u64) {
    send(ws, &ClientFrame::Read { seq }).await;
}

/// Two tabs of Ann's (on `url_a` and `url_b`) and a poster; checks the whole story.
async fn ann_reads_in_two_tabs(url_a: &str, url_b: &str) {
    let ann = token_for("u-ann", "Ann", 300, None);
    let bob = token_for("u-bob", "Bob", 300, None);
    let mut roster = Roster::default();
    let (mut tab1, _) = signed_in(url_a, &ann).await;
    assert_eq!(
        join_watching(&mut tab1, &mut roster).await,
        [],
        "nothing kept yet"
    );
    let (mut tab2, _) = signed_in(url_b, &ann).await;
    join_watching(&mut tab2, &mut roster).await;
    let (mut poster, _) = signed_in(url_a, &bob).await;
    join_watching(&mut poster, &mut roster).await;
    post(&mut poster, &mut roster, 5).await;
    read(&mut tab1, 3).await;
    // The other tab hears it; the tab that read does not.
    loop {
        match next_other(&mut tab2, &mut roster).await {
            ServerFrame::Read { seq } => {
                assert_eq!(seq, 3);
                break;
            }
            ServerFrame::Msg { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    // Backwards is no move; a new connection starts from 3, before its catch-up.
    read(&mut tab2, 2).await;
    no_read_for(&mut tab1, &mut roster, 300).await;
    let (mut tab3, _) = signed_in(url_b, &ann).await;
    let mut before = join_watching(&mut tab3, &mut roster).await;
    before.retain(|f| matches!(f, ServerFrame::Read { .. }));
    assert_eq!(before, [ServerFrame::Read { seq: 3 }]);
}

#[tokio::test]
async fn a_users_position_is_kept_shared_and_only_moves_forward() {
    let (server, _dir) = auth_server_with(Some("post"), &[]).await;
    let url = server.ws_url("lobby");
    ann_reads_in_two_tabs(&url, &url).await;
    // A guest's `read` is ignored, and its connection stays.
    let mut roster = Roster::default();
    let mut guest = common::connect(&url, true).await;
    join_watching(&mut guest, &mut roster).await;
    read(&mut guest, 5).await;
    send(&mut guest, &ClientFrame::Ping).await;
    assert_eq!(next_other(&mut guest, &mut roster).await, ServerFrame::Pong);
    server.stop().await;
}

#[tokio::test]
async fn a_redis_pair_shares_the_position() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let redis_url = redis.url();
    let flags = ["--redis", redis_url.as_str()];
    let (a, _dir_a) = auth_server_with(Some("post"), &flags).await;
    let (b, _dir_b) = auth_server_with(Some("post"), &flags).await;
    ann_reads_in_two_tabs(&a.ws_url("pair"), &b.ws_url("pair")).await;
    a.stop().await;
    b.stop().await;
}
