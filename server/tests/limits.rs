//! Connection and room limits: over a limit the upgrade gets 503 with `Retry-After`, and a
//! place that frees up can be taken again.

mod common;

use common::{http, raw_from, upgrade_request, RawResponse, TestServer};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tokio::net::TcpStream;
use ws_chat_server::Config;

const ONE: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const TWO: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

async fn open(s: &TestServer, from: IpAddr, room: &str) -> (RawResponse, TcpStream) {
    let request = upgrade_request(s.addr, &format!("/ws?room={room}"), &[]);
    raw_from(from, s.addr, &request).await
}

fn assert_busy(r: &RawResponse) {
    assert_eq!(r.status, 503, "{r:?}");
    assert!(
        r.header("retry-after")
            .is_some_and(|v| v.parse::<u32>().is_ok()),
        "{r:?}"
    );
}

/// Retries an upgrade until it gets a 101: a closed connection frees its place a moment
/// after the client sees its socket end.
async fn open_eventually(s: &TestServer, from: IpAddr, room: &str) -> TcpStream {
    for _ in 0..100 {
        let (r, stream) = open(s, from, room).await;
        if r.status == 101 {
            return stream;
        }
        assert_busy(&r);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the place never came back");
}

#[tokio::test]
async fn connections_per_address_are_capped() {
    let s = TestServer::with(Config {
        max_connections_per_ip: 2,
        ..Config::in_memory()
    })
    .await;
    let (a, first) = open(&s, ONE, "r").await;
    let (b, _second) = open(&s, ONE, "r").await;
    assert_eq!((a.status, b.status), (101, 101));
    let (c, _) = open(&s, ONE, "r").await;
    assert_busy(&c);
    assert!(c.body.contains("your address"), "{c:?}");
    // Another address has places of its own.
    let (d, _other) = open(&s, TWO, "r").await;
    assert_eq!(d.status, 101);
    drop(first);
    let _again = open_eventually(&s, ONE, "r").await;
    s.abandon();
}

#[tokio::test]
async fn connections_in_all_are_capped() {
    let s = TestServer::with(Config {
        max_connections: 2,
        ..Config::in_memory()
    })
    .await;
    let (a, first) = open(&s, ONE, "r").await;
    let (b, _second) = open(&s, TWO, "r").await;
    assert_eq!((a.status, b.status), (101, 101));
    let (c, _) = open(&s, TWO, "r").await;
    assert_busy(&c);
    assert!(c.body.contains("this server"), "{c:?}");
    // Plain HTTP is not a WebSocket connection: still served.
    assert_eq!(http(s.addr, "GET", "/").await.status, 404);
    drop(first);
    let _again = open_eventually(&s, TWO, "r").await;
    s.abandon();
}

#[tokio::test]
async fn open_rooms_are_capped_and_a_room_leaves_memory_with_its_last_member() {
    let s = TestServer::with(Config {
        max_rooms: 2,
        ..Config::in_memory()
    })
    .await;
    let (a, in_a) = open(&s, ONE, "a").await;
    let (b, _in_b) = open(&s, ONE, "b").await;
    assert_eq!((a.status, b.status), (101, 101));
    let (c, _) = open(&s, ONE, "c").await;
    assert_busy(&c);
    assert!(c.body.contains("rooms"), "{c:?}");
    // An open room can always be joined.
    let (b2, _also_in_b) = open(&s, ONE, "b").await;
    assert_eq!(b2.status, 101);
    // Room "a" empties, leaves memory, and "c" gets its place.
    drop(in_a);
    let _in_c = open_eventually(&s, ONE, "c").await;
    let (a2, _) = open(&s, ONE, "a").await;
    assert_busy(&a2);
    s.abandon();
}
