//! Plain HTTP: the built app at `/`, and bad requests that must not hurt the server.

mod common;

use common::{http, raw, upgrade_request, TestServer, TIMEOUT};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use ws_chat_server::Config;

#[tokio::test]
async fn garbage_and_incomplete_requests_do_not_hurt_the_server() {
    let s = TestServer::start().await;
    // Each with the status line the server answers it with at once, if any.
    let junk: [(&[u8], Option<&str>); 5] = [
        (b"\x00\xff\xfe garbage \r\n\r\n", Some("HTTP/1.1 400 Bad Request")),
        (b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n", None), // never finished
        (b"GET / HTTP/9.9\r\n\r\n", Some("HTTP/1.1 400 Bad Request")),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", Some("HTTP/1.1 400 Bad Request")), // a TLS ClientHello start
        (b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n\x81\xff\xff\xff", Some("HTTP/1.1 421 Misdirected Request")),
    ];
    let mut open = Vec::new();
    for (bytes, _) in junk {
        let mut c = TcpStream::connect(s.addr).await.expect("connect");
        let _ = c.write_all(bytes).await;
        open.push(c); // keep some half-open while the next requests run
    }
    // The server has taken all of it in once it has answered each piece it answers at once
    // (it accepts connections in order, so it has taken the unfinished one by then).
    for (c, (bytes, answer)) in open.iter_mut().zip(junk) {
        if let Some(answer) = answer {
            assert_eq!(status_line(c).await, answer, "{bytes:?}");
        }
    }
    let r = raw(s.addr, &upgrade_request(s.addr, "/ws", &[])).await;
    assert_eq!(r.status, 101);
    assert_eq!(http(s.addr, "GET", "/_test/connections").await.status, 200);
    drop(open);
    s.stop().await;
}

#[tokio::test]
async fn a_missing_dist_directory_gives_a_clear_404() {
    let s = TestServer::with(Config {
        dist: "/nonexistent/ws-chat-dist".into(),
        ..Config::in_memory()
    })
    .await;
    let r = http(s.addr, "GET", "/").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("/nonexistent/ws-chat-dist"), "{}", r.body);
    assert!(r.body.contains("--dist"), "{}", r.body);
    s.stop().await;
}

#[tokio::test]
async fn dist_files_are_served_with_index_html_for_unknown_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("index.html"), "<h1>ws-chat</h1>").expect("write");
    std::fs::write(dir.path().join("app.js"), "console.log(1)").expect("write");
    let s = TestServer::with(Config {
        dist: dir.path().to_owned(),
        ..Config::in_memory()
    })
    .await;
    let index = http(s.addr, "GET", "/").await;
    assert_eq!(
        (index.status, index.body.as_str()),
        (200, "<h1>ws-chat</h1>")
    );
    let js = http(s.addr, "GET", "/app.js").await;
    assert_eq!((js.status, js.body.as_str()), (200, "console.log(1)"));
    assert!(js
        .header("content-type")
        .is_some_and(|t| t.contains("javascript")));
    let route = http(s.addr, "GET", "/rooms/abc").await;
    assert_eq!(
        (route.status, route.body.as_str()),
        (200, "<h1>ws-chat</h1>")
    );
    s.stop().await;
}

#[tokio::test]
async fn fault_injection_routes_do_not_exist_unless_asked_for() {
    let s = TestServer::with(Config {
        dist: "/nonexistent/ws-chat-dist".into(),
        ..Config::in_memory()
    })
    .await;
    assert_eq!(http(s.addr, "POST", "/_test/drop").await.status, 404);
    assert_eq!(http(s.addr, "GET", "/_test/connections").await.status, 404);
    s.stop().await;
}

/// The status line of the server's answer on `c` (what came before the connection closed,
/// if it closed first).
async fn status_line(c: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let read = async {
        let mut buf = [0u8; 256];
        while !head.windows(2).any(|w| w == b"\r\n") {
            match c.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(TIMEOUT, read)
        .await
        .expect("an answer in time");
    let head = String::from_utf8_lossy(&head);
    head.split("\r\n").next().unwrap_or_default().to_owned()
}

/// Reads until the server ends the connection; returns how long that took.
async fn time_until_closed(c: &mut TcpStream, trickle: Option<&[u8]>) -> Duration {
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            tokio::select! {
                read = c.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {} // hyper may say 408 first
                },
                () = tokio::time::sleep(Duration::from_millis(50)), if trickle.is_some() => {
                    if c.write_all(trickle.unwrap_or_default()).await.is_err() {
                        return;
                    }
                }
            }
        }
    })
    .await
    .expect("the server closes the connection");
    started.elapsed()
}

#[tokio::test]
async fn silent_and_slowloris_connections_are_dropped_after_the_header_read_timeout() {
    let s = TestServer::with(Config {
        header_read_timeout: Duration::from_millis(300),
        ..Config::in_memory()
    })
    .await;
    let mut silent = TcpStream::connect(s.addr).await.expect("connect");
    let waited = time_until_closed(&mut silent, None).await;
    assert!(waited >= Duration::from_millis(250), "{waited:?}");

    // Headers a few bytes at a time, never finished.
    let mut slow = TcpStream::connect(s.addr).await.expect("connect");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let waited = time_until_closed(&mut slow, Some(b"X-a: b\r\n")).await;
    assert!(waited < Duration::from_secs(2), "{waited:?}");

    // A prompt client is unaffected.
    assert_eq!(http(s.addr, "GET", "/").await.status, 404);
    s.stop().await;
}

#[tokio::test]
async fn every_response_says_nosniff() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("index.html"), "<h1>ws-chat</h1>").expect("write");
    std::fs::write(dir.path().join("app.js"), "console.log(1)").expect("write");
    let s = TestServer::with(Config {
        dist: dir.path().to_owned(),
        fault_injection: true,
        ..Config::in_memory()
    })
    .await;
    let host = s.addr.to_string();
    let get = |path: &str, extra: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
    };
    let requests = [
        get("/", ""),
        get("/app.js", ""),
        get("/rooms/abc", ""),
        get("/missing.js", ""),
        get("/ws", ""),                                 // 426
        get("/ws", "Origin: https://evil.example\r\n"), // 403
        get("/_test/connections", ""),
        get("/", "").replace(&host, "evil.example"), // 421
        upgrade_request(s.addr, "/ws", &[]),         // 101
    ];
    for request in requests {
        let r = raw(s.addr, &request).await;
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{request}: {r:?}"
        );
    }
    s.abandon();
}
