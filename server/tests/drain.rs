//! A server going away for a restart: not ready first, then its connections closed with 1012
//! in batches, each told a delay to come back after, nothing acked lost.

mod common;

use common::{http, join, next_message, post, TestServer};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{self, Message};
use ws_chat_protocol::close_code::{restart_delay_ms, SERVICE_RESTART};
use ws_chat_protocol::ServerFrame;
use ws_chat_server::Config;

const DELAY: Duration = Duration::from_millis(400);
const WINDOW: Duration = Duration::from_millis(600);
const SPREAD: Duration = Duration::from_millis(1500);

fn draining() -> Config {
    let mut config = common::flooding();
    config.drain.drain_delay = DELAY;
    config.drain.drain_window = WINDOW;
    config.drain.drain_spread = SPREAD;
    config.drain.drain_timeout = Duration::from_secs(5);
    config
}

#[tokio::test]
async fn a_draining_server_is_not_ready_keeps_serving_then_closes_in_batches_with_1012() {
    let s = TestServer::with(draining()).await;
    let addr = s.addr;
    let url = s.ws_url("r");
    let mut members = Vec::new();
    for _ in 0..30 {
        members.push(join(&url, Some(0)).await.0);
    }
    assert_eq!(http(addr, "GET", "/readyz").await.status, 200);
    let signalled = Instant::now();
    let stopping = tokio::spawn(s.stop());
    tokio::time::sleep(Duration::from_millis(50)).await;

    // Not ready at once, but alive, and refusing newcomers.
    let ready = http(addr, "GET", "/readyz").await;
    assert_eq!(ready.status, 503, "{ready:?}");
    assert!(ready.body.contains(r#""draining":true"#), "{}", ready.body);
    assert_eq!(http(addr, "GET", "/healthz").await.status, 503);
    assert_eq!(http(addr, "GET", "/livez").await.status, 200);
    match tokio_tungstenite::connect_async(&url).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("expected 503 while draining, got {other:?}"),
    }

    // Connections already open still work during the delay: a message is stored and acked.
    match post(&mut members[0], "during", "sent while draining").await {
        ServerFrame::Ack { id, seq, .. } => assert_eq!((id.as_str(), seq), ("during", 1)),
        other => panic!("expected an ack, got {other:?}"),
    }

    // Then each gets 1012, naming a delay within the spread, in batches over the window.
    let closes = futures_util::future::join_all(members.iter_mut().map(|ws| async move {
        loop {
            match next_message(ws).await {
                Message::Close(Some(frame)) => return (signalled.elapsed(), frame),
                Message::Text(_) => continue,
                other => panic!("expected a close, got {other:?}"),
            }
        }
    }))
    .await;
    let mut delays = Vec::new();
    for (_, frame) in &closes {
        assert_eq!(u16::from(frame.code), SERVICE_RESTART, "{frame:?}");
        let delay = restart_delay_ms(&frame.reason).expect("a delay in the reason");
        assert!(delay <= SPREAD.as_millis() as u64, "{delay}");
        delays.push(delay);
    }
    let first = closes.iter().map(|(at, _)| *at).min().unwrap();
    let last = closes.iter().map(|(at, _)| *at).max().unwrap();
    assert!(first >= DELAY, "nothing closed before the delay: {first:?}");
    assert!(
        last - first >= WINDOW / 2,
        "closes spread over the window, not in one instant: {first:?}..{last:?}"
    );
    delays.sort_unstable();
    delays.dedup();
    assert!(
        delays.len() > 20,
        "the delays differ per connection: {delays:?}"
    );
    println!(
        "drain: closes from {first:?} to {last:?} after the signal, delays {}..{} ms",
        delays[0],
        delays[delays.len() - 1]
    );
    drop(closes);
    drop(members);
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("the server exits within its drain timeout")
        .expect("stopped");
}

#[tokio::test]
async fn drain_flags_that_cannot_work_are_refused_at_start() {
    let mut config = draining();
    config.drain.drain_timeout = Duration::from_millis(900);
    let refused = ws_chat_server::Server::open(config)
        .await
        .err()
        .expect("refused");
    assert!(refused.to_string().contains("--drain-timeout"), "{refused}");
    // Clients wait at most a minute: a longer spread would bunch them up there.
    let mut config = draining();
    config.drain.drain_spread = Duration::from_secs(61);
    let refused = ws_chat_server::Server::open(config)
        .await
        .err()
        .expect("refused");
    assert!(refused.to_string().contains("--drain-spread"), "{refused}");
}
