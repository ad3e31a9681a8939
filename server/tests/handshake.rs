//! RFC 6455 handshake answers, checked byte by byte over a raw TCP connection.

mod common;

use common::{expected_accept, raw, upgrade_request, TestServer, KEY};
use ws_chat_server::Config;

#[tokio::test]
async fn valid_upgrade_gets_101_with_the_correct_accept_and_no_subprotocol() {
    let s = TestServer::start().await;
    let r = raw(s.addr, &upgrade_request(s.addr, "/ws", &[])).await;
    assert_eq!(r.status, 101, "{r:?}");
    assert_eq!(
        r.header("sec-websocket-accept"),
        Some(expected_accept(KEY).as_str())
    );
    // The RFC's own example pins the formula down.
    assert_eq!(expected_accept(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert!(r
        .header("upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket")));
    assert!(r
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("upgrade")));
    assert_eq!(r.header("sec-websocket-protocol"), None);
    s.stop().await;
}

#[tokio::test]
async fn header_tokens_are_case_insensitive_comma_lists() {
    let s = TestServer::start().await;
    let request = format!(
        "GET /ws?room=x HTTP/1.1\r\nHost: {}\r\nupgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n\
         sec-websocket-key: {KEY}\r\nsec-websocket-version: 13\r\n\r\n",
        s.addr
    );
    assert_eq!(raw(s.addr, &request).await.status, 101);
    s.stop().await;
}

#[tokio::test]
async fn wrong_or_missing_version_gets_400_naming_version_13() {
    let s = TestServer::start().await;
    for version in ["Sec-WebSocket-Version: 12", "Sec-WebSocket-Version: 8", ""] {
        let request = upgrade_request(s.addr, "/ws", &[])
            .replace("Sec-WebSocket-Version: 13\r\n", &format!("{version}\r\n"))
            .replace("\r\n\r\n\r\n", "\r\n\r\n");
        let r = raw(s.addr, &request).await;
        assert_eq!(r.status, 400, "{version}: {r:?}");
        assert_eq!(r.header("sec-websocket-version"), Some("13"), "{version}");
    }
    s.stop().await;
}

#[tokio::test]
async fn plain_get_gets_426_with_upgrade_websocket() {
    let s = TestServer::start().await;
    let r = raw(
        s.addr,
        &format!(
            "GET /ws HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            s.addr
        ),
    )
    .await;
    assert_eq!(r.status, 426, "{r:?}");
    assert_eq!(r.header("upgrade"), Some("websocket"));
    // hyper adds `close` to the list because the request asked for it.
    assert!(r.header("connection").is_some_and(|v| v
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))));
    s.stop().await;
}

#[tokio::test]
async fn missing_or_invalid_key_gets_400() {
    let s = TestServer::start().await;
    for key in [
        "",
        "Sec-WebSocket-Key: not base64!",
        "Sec-WebSocket-Key: AAAA",
    ] {
        let request = upgrade_request(s.addr, "/ws", &[])
            .replace(
                &format!("Sec-WebSocket-Key: {KEY}\r\n"),
                &format!("{key}\r\n"),
            )
            .replace("\r\n\r\nSec", "\r\nSec");
        let r = raw(s.addr, &request).await;
        assert_eq!(r.status, 400, "{key}: {r:?}");
    }
    s.stop().await;
}

#[tokio::test]
async fn foreign_origin_gets_403_and_local_origins_are_accepted() {
    let s = TestServer::start().await;
    let with_origin =
        |origin: &str| upgrade_request(s.addr, "/ws", &[&format!("Origin: {origin}")]);
    for foreign in [
        "https://evil.example",
        "http://localhost.evil.example:9001",
        "null",
    ] {
        let r = raw(s.addr, &with_origin(foreign)).await;
        assert_eq!(r.status, 403, "{foreign}: {r:?}");
    }
    let own = format!("http://{}", s.addr);
    for local in [
        "http://localhost:8080",
        "https://localhost:1",
        "http://127.0.0.1:5173",
        "http://[::1]:3000",
        own.as_str(),
    ] {
        let r = raw(s.addr, &with_origin(local)).await;
        assert_eq!(r.status, 101, "{local}: {r:?}");
    }
    // The origin is checked first: a foreign page learns nothing else.
    let r = raw(
        s.addr,
        &format!(
            "GET /ws HTTP/1.1\r\nHost: {}\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n",
            s.addr
        ),
    )
    .await;
    assert_eq!(r.status, 403);
    s.stop().await;
}

#[tokio::test]
async fn allowed_origin_flag_adds_exact_origins_and_star_allows_all() {
    let s = TestServer::with(Config {
        allowed_origins: vec!["https://example.com".into()],
        ..Config::in_memory()
    })
    .await;
    let status = |origin: &str| {
        let request = upgrade_request(s.addr, "/ws", &[&format!("Origin: {origin}")]);
        async move { raw(s.addr, &request).await.status }
    };
    assert_eq!(status("https://example.com").await, 101);
    assert_eq!(status("http://example.com").await, 403);
    assert_eq!(status("https://other.example").await, 403);
    s.stop().await;

    let s = TestServer::with(Config {
        allowed_origins: vec!["*".into()],
        ..Config::in_memory()
    })
    .await;
    let request = upgrade_request(s.addr, "/ws", &["Origin: https://anything.example"]);
    assert_eq!(raw(s.addr, &request).await.status, 101);
    s.stop().await;
}

#[tokio::test]
async fn subprotocol_is_the_first_supported_one_in_client_order() {
    let s = TestServer::start().await;
    let chosen = |offer: &[&str]| {
        let request = upgrade_request(s.addr, "/ws", offer);
        async move {
            let r = raw(s.addr, &request).await;
            assert_eq!(r.status, 101, "{r:?}");
            r.header("sec-websocket-protocol").map(str::to_owned)
        }
    };
    let v1 = Some("wschat.v1".to_owned());
    assert_eq!(
        chosen(&["Sec-WebSocket-Protocol: foo, wschat.v1"]).await,
        v1
    );
    assert_eq!(
        chosen(&["Sec-WebSocket-Protocol: wschat.v1, foo"]).await,
        v1
    );
    assert_eq!(
        chosen(&[
            "Sec-WebSocket-Protocol: foo",
            "Sec-WebSocket-Protocol: wschat.v1"
        ])
        .await,
        v1
    );
    assert_eq!(chosen(&["Sec-WebSocket-Protocol: foo"]).await, None);
    assert_eq!(
        chosen(&["Sec-WebSocket-Protocol: wschat.v2, bar"]).await,
        None
    );
    s.stop().await;
}

#[tokio::test]
async fn overlong_room_names_get_400() {
    let s = TestServer::start().await;
    let path = format!("/ws?room={}", "r".repeat(129));
    assert_eq!(
        raw(s.addr, &upgrade_request(s.addr, &path, &[]))
            .await
            .status,
        400
    );
    let path = format!("/ws?room={}", "r".repeat(128));
    assert_eq!(
        raw(s.addr, &upgrade_request(s.addr, &path, &[]))
            .await
            .status,
        101
    );
    s.stop().await;
}
