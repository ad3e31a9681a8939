//! Stuck, slow and silent peers: what they may cost the server is bounded, and they are
//! closed with a code the client retries (1013), never one that stops it.

mod common;

use common::{connect, connect_slow_reader, http, next_message, upgraded, TestServer, TIMEOUT};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::MAX_TEXT_BYTES;
use ws_chat_server::Config;

/// Polls `/_test/connections?room=` until it reads `want`.
async fn members_are(s: &TestServer, room: &str, want: usize) -> bool {
    let path = format!("/_test/connections?room={room}");
    http(s.addr, "GET", &path).await.body == want.to_string()
}

/// Sends big storable lines into `room` until `done` says stop; panics after `max_bytes`.
async fn flood_until<F, Fut>(writer: &mut common::TestSocket, max_bytes: usize, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let line = "f".repeat(MAX_TEXT_BYTES);
    let mut sent = 0;
    while !done().await {
        assert!(sent < max_bytes, "still not dropped after {sent} bytes");
        for _ in 0..8 {
            writer
                .send(Message::text(line.clone()))
                .await
                .expect("send");
            sent += line.len();
        }
    }
}

#[tokio::test]
async fn a_reader_that_falls_a_queue_behind_is_closed_with_1013() {
    let s = TestServer::with(Config {
        fault_injection: true,
        max_queue_bytes: 128 * 1024,
        ..common::flooding()
    })
    .await;
    let url = s.ws_url("slow");
    let mut slow = connect_slow_reader(&url, false).await;
    let mut writer = connect(&url, false).await;
    flood_until(&mut writer, 64 << 20, || members_are(&s, "slow", 1)).await;

    // Reading again, it gets what was already on its way, then 1013.
    let close = tokio::time::timeout(TIMEOUT, async {
        loop {
            match next_message(&mut slow).await {
                Message::Text(_) => {}
                Message::Close(frame) => return frame.expect("a close code"),
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(u16::from(close.code), 1013);
    assert!(close.reason.contains("too slow"), "{close:?}");
    s.abandon();
}

/// With a queue far too big to overflow, only the send timeout can end a reader that stopped.
#[tokio::test]
async fn a_reader_that_stops_reading_is_closed_after_the_send_timeout() {
    let s = TestServer::with(Config {
        fault_injection: true,
        max_queue_bytes: 1 << 30,
        send_timeout: Duration::from_millis(300),
        ..common::flooding()
    })
    .await;
    let url = s.ws_url("stuck");
    let mut stuck = connect_slow_reader(&url, false).await;
    let mut writer = connect(&url, false).await;
    flood_until(&mut writer, 32 << 20, || members_are(&s, "stuck", 1)).await;

    // Its connection is over: what was in flight, then a 1013 close or (when even the close
    // frame could not be written) the end of the stream.
    let ended = tokio::time::timeout(TIMEOUT, async {
        while let Some(Ok(message)) = stuck.next().await {
            if let Message::Close(frame) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("the stream ends");
    assert!(matches!(ended, None | Some(1013)), "{ended:?}");
    s.abandon();
}

fn quick_keepalive() -> Config {
    Config {
        fault_injection: true,
        ping_interval: Duration::from_millis(200),
        pong_timeout: Duration::from_millis(300),
        ..common::flooding()
    }
}

/// A raw TCP peer that completed the upgrade and then went silent: pinged after the interval,
/// closed with 1013 after the pong timeout.
#[tokio::test]
async fn a_silent_peer_is_pinged_then_closed_with_1013() {
    let s = TestServer::with(quick_keepalive()).await;
    let mut silent = upgraded(s.addr, "/ws?room=silent").await;
    let started = std::time::Instant::now();
    let mut got = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        // A Ping (0x89, empty), then a close frame (0x88) with its code.
        while got.len() < 2 + 4 || got.len() < 2 + 2 + usize::from(got[3] & 0x7f) {
            let mut chunk = [0u8; 256];
            let n = silent.read(&mut chunk).await.expect("read");
            assert!(n > 0, "ended without a close frame: {got:?}");
            got.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .expect("pinged and closed in time");
    assert_eq!(&got[..2], [0x89, 0x00], "{got:?}");
    assert_eq!(got[2], 0x88, "{got:?}");
    assert_eq!(u16::from_be_bytes([got[4], got[5]]), 1013);
    assert!(started.elapsed() >= Duration::from_millis(500));
    s.abandon();
}

/// A peer that answers pings (every WebSocket client does) stays, though it says nothing.
#[tokio::test]
async fn a_quiet_peer_that_answers_pings_stays() {
    let s = TestServer::with(quick_keepalive()).await;
    let mut quiet = connect(&s.ws_url("quiet"), false).await;
    let mut pings = 0;
    let _ = tokio::time::timeout(Duration::from_millis(1500), async {
        while let Some(Ok(message)) = quiet.next().await {
            match message {
                Message::Ping(_) => pings += 1,
                other => panic!("{other:?}"),
            }
        }
    })
    .await;
    assert!(pings >= 3, "{pings} pings in 1.5 s");
    assert!(members_are(&s, "quiet", 1).await);
    s.abandon();
}

#[tokio::test]
async fn a_queue_that_cannot_hold_one_message_is_refused_at_start() {
    let config = Config {
        max_message_bytes: 256 * 1024,
        max_queue_bytes: 128 * 1024,
        ..common::flooding()
    };
    assert!(ws_chat_server::Server::open(config).await.is_err());
}
