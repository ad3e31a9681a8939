//! `--redis` when Redis goes away: connections are closed with a code the client retries,
//! nothing is acked that was not stored, the server comes back by itself, and a SIGKILL of
//! Redis (run with `appendfsync always`) loses no acked message.

mod common;

use common::*;
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{self, Message};
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

async fn redis_server(redis: &TestRedis) -> TestServer {
    TestServer::with(Config {
        redis: Some(redis.url()),
        ..Config::in_memory()
    })
    .await
}

/// Reads until the server closes; returns the acks seen on the way and the close code.
async fn acks_until_closed(ws: &mut TestSocket) -> (BTreeMap<String, u64>, Option<u16>) {
    let mut acks = BTreeMap::new();
    loop {
        let next = tokio::time::timeout(TIMEOUT, ws.next()).await;
        match next.expect("closed in time") {
            Some(Ok(Message::Text(text))) => match ServerFrame::decode(&text).expect("frame") {
                ServerFrame::Ack { id, seq, .. } => {
                    acks.insert(id, seq);
                }
                // A send that reached a server without Redis: not acked, to be sent again.
                ServerFrame::Error { id: Some(_), .. } => {}
                other => panic!("unexpected {other:?}"),
            },
            Some(Ok(Message::Close(frame))) => return (acks, frame.map(|f| f.code.into())),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (acks, None),
        }
    }
}

#[tokio::test]
async fn losing_redis_closes_with_1013_refuses_upgrades_and_recovers() {
    let Some(mut redis) = TestRedis::start() else {
        return;
    };
    let server = redis_server(&redis).await;
    let (mut ws, _) = join(&server.ws_url("r"), None).await;
    send(
        &mut ws,
        &ClientFrame::Send {
            id: "a".into(),
            text: "kept".into(),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut ws).await,
        ServerFrame::Ack { seq: 1, .. }
    ));
    let health = http(server.addr, "GET", "/healthz").await;
    assert_eq!(health.status, 200, "{health:?}");
    assert!(
        health.body.contains(r#""store":"redis","ready":true"#),
        "{health:?}"
    );
    redis.kill();
    let (_, code) = acks_until_closed(&mut ws).await;
    assert_eq!(code, Some(1013), "a code the client retries");
    let health = http(server.addr, "GET", "/healthz").await;
    assert_eq!(
        health.status, 503,
        "a load balancer sends new clients elsewhere"
    );
    assert!(health.body.contains(r#""ready":false"#), "{health:?}");
    match tokio_tungstenite::connect_async(server.ws_url("r")).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("expected 503 while Redis is away, got {other:?}"),
    }
    redis.restart();
    let got = join_when_back(&server.ws_url("r")).await;
    assert!(
        matches!(&got[..], [ServerFrame::Msg { seq: 1, text, .. }, ServerFrame::Synced { head: 1, gap: false }] if text == "kept"),
        "{got:?}"
    );
    server.abandon();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_of_redis_loses_no_acked_message() {
    let Some(mut redis) = TestRedis::start() else {
        return;
    };
    let server = redis_server(&redis).await;
    let (ws, _) = join(&server.ws_url("r"), None).await;
    let mut writer = AckedStream::start(ws, "m", Duration::from_millis(2));
    writer.until_acked(200).await;
    redis.kill();
    let acked = writer.until_closed(TIMEOUT).await;
    redis.restart();
    assert_none_lost(&server.ws_url("r"), &acked, "r").await;
    server.abandon();
}

#[tokio::test]
async fn a_redis_that_hangs_is_noticed_and_recovered_from() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let server = redis_server(&redis).await;
    let (mut ws, _) = join(&server.ws_url("r"), None).await;
    redis.pause();
    let started = Instant::now();
    let (_, code) = acks_until_closed(&mut ws).await;
    assert_eq!(code, Some(1013));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "noticed by the pings"
    );
    redis.resume();
    let got = join_when_back(&server.ws_url("r")).await;
    assert_eq!(
        got,
        [ServerFrame::Synced {
            head: 0,
            gap: false
        }]
    );
    server.abandon();
}
