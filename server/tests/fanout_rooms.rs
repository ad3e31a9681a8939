//! Per-room fan-out on Redis: a server listens to a room's channels from its first local
//! member until a grace (5 s) after its last, so servers with disjoint rooms hear nothing of
//! each other's, and a room shared across servers still reaches every member.

mod common;

use common::*;
use std::time::{Duration, Instant};
use ws_chat_protocol::ServerFrame;
use ws_chat_server::Config;

async fn on(redis: &TestRedis) -> TestServer {
    TestServer::with(Config {
        redis: Some(redis.url()),
        ..common::flooding()
    })
    .await
}

/// Servers listening to `room`'s message channel, as Redis counts them.
async fn listeners(redis: &TestRedis, room: &str) -> i64 {
    let client = redis::Client::open(redis.url()).expect("url");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let counts: Vec<(String, i64)> = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(format!("wschat:{{{room}}}:live:0"))
        .query_async(&mut conn)
        .await
        .expect("PUBSUB NUMSUB");
    counts[0].1
}

/// Waits (subscribing and unsubscribing happen on the server's own time) until `room` has
/// `want` listening servers.
async fn until_listeners(redis: &TestRedis, room: &str, want: i64) {
    let started = Instant::now();
    loop {
        let got = listeners(redis, room).await;
        if got == want {
            return;
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "{room}: {got} servers listening, want {want}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_listens_only_to_the_rooms_it_holds() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (one, two) = (on(&redis).await, on(&redis).await);
    // Disjoint rooms: each server listens to its own only.
    let (mut ann, _) = join(&one.ws_url("a"), Some(0)).await;
    let (bob, _) = join(&two.ws_url("b"), Some(0)).await;
    assert_eq!(listeners(&redis, "a").await, 1, "joined means listened to");
    assert_eq!(listeners(&redis, "b").await, 1);

    // A room on both servers is listened to by both, and a message crosses.
    let (mut cy, _) = join(&two.ws_url("a"), Some(0)).await;
    assert_eq!(listeners(&redis, "a").await, 2);
    let answer = post(&mut ann, "x", "to both servers").await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    match recv(&mut cy).await {
        ServerFrame::Msg { text, .. } => assert_eq!(text, "to both servers"),
        other => panic!("{other:?}"),
    }

    // The last member leaving a server's room ends its listening there (after the grace), not
    // elsewhere.
    drop(cy);
    until_listeners(&redis, "a", 1).await;
    drop(ann);
    until_listeners(&redis, "a", 0).await;
    assert_eq!(listeners(&redis, "b").await, 1);
    drop(bob);
    until_listeners(&redis, "b", 0).await;

    // A room closing and opening again at once ends up listened to. (In the same test: each
    // test starts a Redis of its own, and two starting at once could pick one port.)
    let server = one;
    for _ in 0..20 {
        let (ws, _) = join(&server.ws_url("churn"), Some(0)).await;
        drop(ws);
    }
    let (mut last, _) = join(&server.ws_url("churn"), Some(0)).await;
    until_listeners(&redis, "churn", 1).await;
    // And it works: its own message comes back through the room's channel as an ack.
    let answer = post(&mut last, "y", "still heard").await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    drop(last);
    until_listeners(&redis, "churn", 0).await;
}
