//! The `Host` check against DNS rebinding: a page whose domain was made to resolve to this
//! server sends a matching `Origin` and `Host`, and only the `Host` name gives it away.

mod common;

use common::{raw, upgrade_request, TestServer};
use std::net::SocketAddr;
use ws_chat_server::Config;

/// An upgrade request with `Host` and `Origin` set to these values.
fn upgrade_as(addr: SocketAddr, host: &str, origin: Option<&str>) -> String {
    let request = upgrade_request(addr, "/ws", &[]).replace(
        &format!("Host: {addr}\r\n"),
        &match origin {
            Some(origin) => format!("Host: {host}\r\nOrigin: {origin}\r\n"),
            None => format!("Host: {host}\r\n"),
        },
    );
    assert!(request.contains(&format!("Host: {host}\r\n")));
    request
}

fn get_as(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

#[tokio::test]
async fn a_rebound_domain_is_refused_even_when_origin_matches_host() {
    let s = TestServer::start().await;
    let port = s.addr.port();
    let evil = format!("evil.example:{port}");
    let r = raw(
        s.addr,
        &upgrade_as(s.addr, &evil, Some(&format!("http://{evil}"))),
    )
    .await;
    assert_eq!(r.status, 421, "{r:?}");
    assert!(r.body.contains("--host-name"), "{}", r.body);
    // Without an Origin (not a browser) the name is still not ours.
    assert_eq!(
        raw(s.addr, &upgrade_as(s.addr, &evil, None)).await.status,
        421
    );
    // The same goes for the app's files and the test endpoints.
    for path in ["/", "/index.html", "/_test/connections"] {
        let r = raw(s.addr, &get_as(path, &evil)).await;
        assert_eq!(r.status, 421, "{path}: {r:?}");
    }
    assert_eq!(raw(s.addr, &get_as("/", "evil.example")).await.status, 421);
    s.stop().await;
}

#[tokio::test]
async fn loopback_names_on_the_listening_port_are_answered() {
    let s = TestServer::start().await;
    let port = s.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        // trunk serve's proxy sends its backend's host without the port, and the browser's
        // Origin (the trunk page, another loopback port).
        "127.0.0.1".to_owned(),
    ] {
        let r = raw(
            s.addr,
            &upgrade_as(s.addr, &host, Some("http://127.0.0.1:8080")),
        )
        .await;
        assert_eq!(r.status, 101, "{host}: {r:?}");
    }
    let other_port = format!("127.0.0.1:{}", port.wrapping_add(1));
    assert_eq!(
        raw(s.addr, &upgrade_as(s.addr, &other_port, None))
            .await
            .status,
        421
    );
    s.stop().await;
}

#[tokio::test]
async fn host_name_flag_adds_names_and_keeps_origin_rules() {
    let s = TestServer::with(Config {
        host_names: vec!["chat.example".into(), "pinned.example:8443".into()],
        ..Config::in_memory()
    })
    .await;
    let status = |host: &'static str, origin: &'static str| {
        let request = upgrade_as(s.addr, host, Some(origin));
        async move { raw(s.addr, &request).await.status }
    };
    // Same origin as a name we answer to.
    assert_eq!(status("chat.example", "https://chat.example").await, 101);
    assert_eq!(
        status("pinned.example:8443", "https://pinned.example:8443").await,
        101
    );
    assert_eq!(
        status("pinned.example:8444", "https://pinned.example:8444").await,
        421
    );
    // A known Host does not make a foreign page's Origin acceptable.
    assert_eq!(status("chat.example", "https://evil.example").await, 403);
    s.stop().await;
}
