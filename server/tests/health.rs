//! `GET /healthz`: live connections and rooms, readable from any origin.

mod common;

use common::{connect, http, TestServer, TIMEOUT};
use std::net::SocketAddr;
use std::time::Instant;

/// `(connections, rooms)` as `/healthz` reports them.
async fn health(addr: SocketAddr) -> (u64, u64) {
    let r = http(addr, "GET", "/healthz").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json")));
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
    let count = |key: &str| {
        body[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} in {body}"))
    };
    assert_eq!(
        (body["store"].as_str(), body["ready"].as_bool()),
        (Some("sqlite"), Some(true))
    );
    (count("connections"), count("rooms"))
}

/// Polls until `/healthz` says `want`; closing is asynchronous on the server's side.
async fn until(addr: SocketAddr, want: (u64, u64)) {
    let start = Instant::now();
    loop {
        let got = health(addr).await;
        if got == want {
            return;
        }
        assert!(start.elapsed() < TIMEOUT, "healthz {got:?}, want {want:?}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn counts_live_connections_and_rooms() {
    let s = TestServer::start().await;
    assert_eq!(health(s.addr).await, (0, 0));
    let mut a = connect(&s.ws_url("health-a"), true).await;
    let b = connect(&s.ws_url("health-a"), false).await;
    let c = connect(&s.ws_url("health-b"), true).await;
    until(s.addr, (3, 2)).await;
    drop(b);
    until(s.addr, (2, 2)).await;
    a.close(None).await.expect("close");
    drop(a);
    until(s.addr, (1, 1)).await;
    drop(c);
    until(s.addr, (0, 0)).await;
    s.stop().await;
}
