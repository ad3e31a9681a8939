//! The `/_test/*` endpoints that reconnection tests use to break connections on purpose.

mod common;

use common::{connect, http, next_message, raw, upgrade_request, TestServer, TIMEOUT};
use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use ws_chat_server::Config;

#[tokio::test]
async fn drop_ends_connections_abruptly_without_a_close_frame() {
    let s = TestServer::start().await;
    let mut a = connect(&s.ws_url("d"), false).await;
    let mut b = connect(&s.ws_url("e"), true).await;
    let r = http(s.addr, "POST", "/_test/drop").await;
    assert_eq!((r.status, r.body.as_str()), (200, "2"));
    for ws in [&mut a, &mut b] {
        let end = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .expect("ends in time");
        match end {
            None
            | Some(Err(tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            )))
            | Some(Err(tungstenite::Error::Io(_))) => {}
            other => panic!("expected an abrupt end, got {other:?}"),
        }
    }
    assert_eq!(http(s.addr, "GET", "/_test/connections").await.body, "0");
    s.stop().await;
}

#[tokio::test]
async fn refuse_answers_503_during_the_window_and_101_after() {
    let s = TestServer::start().await;
    let upgrade = upgrade_request(s.addr, "/ws", &[]);
    let started = Instant::now();
    assert_eq!(
        http(s.addr, "POST", "/_test/refuse?ms=400").await.status,
        200
    );
    let r = raw(s.addr, &upgrade).await;
    assert_eq!(r.status, 503, "{r:?}");
    // The origin is still checked first.
    let foreign = upgrade_request(s.addr, "/ws", &["Origin: https://evil.example"]);
    assert_eq!(raw(s.addr, &foreign).await.status, 403);
    // Refused until the window ends, then upgraded: tried every 20 ms rather than once after a
    // sleep, so the test sees both the refusal lasting and its end.
    loop {
        let r = raw(s.addr, &upgrade).await;
        if r.status == 101 {
            break;
        }
        assert_eq!(r.status, 503, "{r:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still refused after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "upgraded {:?} into a 400 ms refusal",
        started.elapsed()
    );
    assert_eq!(http(s.addr, "POST", "/_test/refuse").await.status, 400);
    s.stop().await;
}

/// A huge `ms` refuses for the longest refusal, a day, whatever the platform's `Instant` can
/// add, and the answer says for how long.
#[tokio::test]
async fn a_huge_refusal_is_clamped_to_a_day() {
    let s = TestServer::start().await;
    let r = http(s.addr, "POST", &format!("/_test/refuse?ms={}", u64::MAX)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "refusing upgrades for 86400000 ms");
    let upgrade = upgrade_request(s.addr, "/ws", &[]);
    assert_eq!(raw(s.addr, &upgrade).await.status, 503);
    s.stop().await;
}

#[tokio::test]
async fn close_delivers_the_chosen_code_and_reason() {
    let s = TestServer::start().await;
    let mut a = connect(&s.ws_url("c"), false).await;
    let mut b = connect(&s.ws_url("c"), true).await;
    let r = http(s.addr, "POST", "/_test/close?code=4000&reason=try%20again").await;
    assert_eq!((r.status, r.body.as_str()), (200, "2"));
    for ws in [&mut a, &mut b] {
        match next_message(ws).await {
            Message::Close(Some(frame)) => {
                assert_eq!(frame.code, CloseCode::from(4000));
                assert_eq!(frame.reason.as_str(), "try again");
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
        assert!(ws.next().await.is_none(), "closed after the close reply");
    }
    for bad in [
        "/_test/close?code=1006",
        "/_test/close?code=999",
        "/_test/close?code=x",
    ] {
        assert_eq!(http(s.addr, "POST", bad).await.status, 400, "{bad}");
    }
    s.stop().await;
}

#[tokio::test]
async fn connections_counts_live_sockets_per_room() {
    let s = TestServer::start().await;
    let count = |q: &'static str| async move { http(s.addr, "GET", q).await.body };
    assert_eq!(count("/_test/connections").await, "0");
    let a = connect(&s.ws_url("x"), false).await;
    let _b = connect(&s.ws_url("x"), true).await;
    let _c = connect(&s.ws_url("y"), false).await;
    assert_eq!(count("/_test/connections").await, "3");
    assert_eq!(count("/_test/connections?room=x").await, "2");
    assert_eq!(count("/_test/connections?room=y").await, "1");
    assert_eq!(count("/_test/connections?room=none").await, "0");
    drop(a); // TCP gone without a close frame
    for _ in 0..50 {
        if count("/_test/connections?room=x").await == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(count("/_test/connections?room=x").await, "1");
    s.abandon();
}

/// A request to a test endpoint from a page on `origin`; `Origin` left out when `None`.
fn from_origin(s: &TestServer, method: &str, path: &str, origin: &str, extra: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nOrigin: {origin}\r\n{extra}\
         Content-Length: 0\r\nConnection: close\r\n\r\n",
        s.addr
    )
}

const PREFLIGHT: &str = "Access-Control-Request-Method: POST\r\n";

#[tokio::test]
async fn test_endpoints_answer_pages_on_loopback_origins() {
    let s = TestServer::start().await;
    // What the wasm-pack test page does: fetch from another port of 127.0.0.1.
    for origin in ["http://127.0.0.1:38211", "http://localhost:8080"] {
        let r = raw(
            s.addr,
            &from_origin(&s, "GET", "/_test/connections", origin, ""),
        )
        .await;
        assert_eq!((r.status, r.body.as_str()), (200, "0"), "{origin}");
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        let preflight = raw(
            s.addr,
            &from_origin(&s, "OPTIONS", "/_test/drop", origin, PREFLIGHT),
        )
        .await;
        assert_eq!(preflight.status, 200, "{origin}: {preflight:?}");
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            Some(origin)
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn a_foreign_page_cannot_break_connections() {
    let s = TestServer::start().await;
    let mut ws = connect(&s.ws_url("victim"), false).await;
    let evil = "https://evil.example";
    for (method, path) in [
        ("POST", "/_test/drop"),
        ("POST", "/_test/close?code=4000"),
        ("POST", "/_test/refuse?ms=60000"),
        ("GET", "/_test/connections"),
    ] {
        let r = raw(s.addr, &from_origin(&s, method, path, evil, "")).await;
        assert_eq!(r.status, 403, "{path}: {r:?}");
        assert_eq!(r.header("access-control-allow-origin"), None, "{path}");
    }
    let preflight = raw(
        s.addr,
        &from_origin(&s, "OPTIONS", "/_test/drop", evil, PREFLIGHT),
    )
    .await;
    assert_eq!(preflight.status, 403, "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-origin"), None);
    // Nothing happened: the connection is open and upgrades are not refused.
    assert_eq!(http(s.addr, "GET", "/_test/connections").await.body, "1");
    ws.send(Message::text("still here")).await.expect("send");
    assert_eq!(
        raw(s.addr, &upgrade_request(s.addr, "/ws", &[]))
            .await
            .status,
        101
    );
    s.abandon();
}

#[tokio::test]
async fn allowed_origin_flag_opens_the_test_endpoints_too() {
    let s = TestServer::with(Config {
        fault_injection: true,
        allowed_origins: vec!["https://tests.example".into()],
        ..Config::in_memory()
    })
    .await;
    let r = raw(
        s.addr,
        &from_origin(&s, "POST", "/_test/drop", "https://tests.example", ""),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://tests.example")
    );
    let r = raw(
        s.addr,
        &from_origin(&s, "POST", "/_test/drop", "https://other.example", ""),
    )
    .await;
    assert_eq!(r.status, 403, "{r:?}");
    s.stop().await;
}
