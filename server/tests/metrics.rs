//! `/metrics` on `--metrics-listen`: scraped before and after a small load, every listed
//! metric moves as it should. The recorder is global to a process, so the tests here run one
//! at a time and compare what changed, never absolute counts.

mod common;

use common::{
    connect, connect_slow_reader, http, join, next_message, post, raw, recv, upgrade_request,
    TestRedis, TestSocket, TIMEOUT,
};
use futures_util::SinkExt;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex};
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::ServerFrame;
use ws_chat_server::{Config, Server};

/// One test at a time: the gauges and counters are the process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A server with metrics on a port of its own.
struct Metered {
    addr: SocketAddr,
    metrics: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Metered {
    async fn start(mut config: Config) -> Metered {
        config.metrics_listen = Some("127.0.0.1:0".into());
        let server = Server::open(config).await.expect("open");
        let metrics = server.metrics_addr().expect("a metrics listener");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async {
            let _ = stopped.await;
        }));
        Metered {
            addr,
            metrics,
            stop: Some(stop),
            task,
        }
    }

    fn url(&self, room: &str) -> String {
        format!("ws://{}/ws?room={room}", self.addr)
    }

    /// Every sample, keyed by its name and labels as written (`name{label="v"}`).
    async fn scrape(&self) -> Samples {
        let r = http(self.metrics, "GET", "/metrics").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")));
        Samples(
            r.body
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .filter_map(|l| {
                    let (key, value) = l.rsplit_once(' ')?;
                    Some((key.to_owned(), value.parse().ok()?))
                })
                .collect(),
        )
    }

    /// SIGTERM, as it were: the drain begins.
    fn signal(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    async fn stop(mut self) {
        self.signal();
        tokio::time::timeout(TIMEOUT, &mut self.task)
            .await
            .expect("stopped in time")
            .expect("task")
            .expect("served");
    }
}

struct Samples(HashMap<String, f64>);

impl Samples {
    fn get(&self, key: &str) -> f64 {
        self.0.get(key).copied().unwrap_or(0.0)
    }

    /// How much `key` grew since `before`.
    fn grew(&self, before: &Samples, key: &str) -> f64 {
        self.get(key) - before.get(key)
    }
}

/// Sends a message and checks it is acked.
async fn say(ws: &mut TestSocket, id: &str, text: &str) {
    let answer = post(ws, id, text).await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
}

#[tokio::test]
async fn every_metric_moves_under_a_small_load() {
    let _one = ONE_AT_A_TIME.lock().await;
    let server = Metered::start(Config {
        max_queue_bytes: 128 * 1024,
        ping_interval: Duration::from_millis(200),
        ..draining_slowly()
    })
    .await;
    let before = server.scrape().await;
    assert_eq!(
        before.get(r#"wschat_build_info{version="0.1.0"}"#),
        1.0,
        "{:?}",
        before.0.keys().collect::<Vec<_>>()
    );

    // Two members; one says three things the other hears.
    let (mut a, _) = join(&server.url("m"), Some(0)).await;
    let (mut b, _) = join(&server.url("m"), Some(0)).await;
    for (i, text) in ["one", "two", "three"].iter().enumerate() {
        say(&mut a, &format!("m{i}"), text).await;
        assert!(matches!(recv(&mut b).await, ServerFrame::Msg { .. }));
    }
    // A re-send is acked, not stored again.
    say(&mut a, "m0", "one").await;
    // Quiet for longer than the ping interval: the server pings, the peer answers.
    tokio::time::sleep(Duration::from_millis(400)).await;
    say(&mut a, "m3", "four").await;
    let during = server.scrape().await;
    assert_eq!(during.get("wschat_connections"), 2.0);
    assert_eq!(during.get("wschat_rooms"), 1.0);
    assert_eq!(during.get("wschat_store_up"), 1.0);
    assert_eq!(during.get("wschat_draining"), 0.0);
    assert!(during.grew(&before, "wschat_connections_opened_total") >= 2.0);
    assert!(during.grew(&before, "wschat_messages_received_total") >= 5.0);
    assert!(during.grew(&before, "wschat_received_bytes_total") >= 17.0);
    assert!(during.grew(&before, "wschat_messages_stored_total") >= 4.0);
    assert!(during.grew(&before, "wschat_stored_bytes_total") >= 15.0);
    assert!(during.grew(&before, "wschat_frames_sent_total") >= 4.0);
    assert!(during.grew(&before, "wschat_sent_bytes_total") >= 4.0 * 30.0);
    assert!(during.grew(&before, "wschat_store_append_seconds_count") >= 5.0);
    assert!(during.get(r#"wschat_store_append_seconds_bucket{le="+Inf"}"#) >= 5.0);
    assert!(during.grew(&before, "wschat_store_batch_rows_count") >= 1.0);
    assert!(during.grew(&before, "wschat_store_batch_rows_sum") >= 5.0);
    assert!(
        during.grew(&before, "wschat_ping_rtt_seconds_count") >= 1.0,
        "a Ping answered"
    );

    // Refusals, each with its reason.
    let bad_room = format!("/ws?room={}", "r".repeat(200));
    raw(server.addr, &upgrade_request(server.addr, &bad_room, &[])).await;
    http(server.addr, "GET", "/ws").await;
    raw(
        server.addr,
        &upgrade_request(server.addr, "/ws", &["Origin: http://elsewhere.example"]),
    )
    .await;
    // Closes by code: a message too big (1009), a reader too slow (1013).
    let mut big = connect(&server.url("big"), false).await;
    big.send(Message::text("x".repeat(200 * 1024)))
        .await
        .expect("send");
    assert!(matches!(next_message(&mut big).await, Message::Close(_)));
    let mut slow = connect_slow_reader(&server.url("slow"), false).await;
    let mut flood = connect(&server.url("slow"), false).await;
    let line = "f".repeat(ws_chat_protocol::MAX_TEXT_BYTES);
    let started = Instant::now();
    loop {
        let now = server.scrape().await;
        if now.grew(&before, "wschat_send_queue_overflows_total") >= 1.0 {
            break;
        }
        assert!(started.elapsed() < TIMEOUT, "the slow reader overflowed");
        for _ in 0..8 {
            flood.send(Message::text(line.clone())).await.expect("send");
        }
    }
    // Reading again, the slow reader gets what was on its way, then 1013.
    loop {
        match next_message(&mut slow).await {
            Message::Text(_) => {}
            Message::Close(frame) => {
                assert_eq!(frame.map(|f| u16::from(f.code)), Some(1013));
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    let after = server.scrape().await;
    for reason in ["room_name", "handshake", "origin"] {
        let key = format!(r#"wschat_upgrades_refused_total{{reason="{reason}"}}"#);
        assert!(after.grew(&before, &key) >= 1.0, "{key}");
    }
    for code in ["1009", "1013"] {
        let key = format!(r#"wschat_server_closes_total{{code="{code}"}}"#);
        assert!(after.grew(&before, &key) >= 1.0, "{key}");
    }
    let labels = after.0.keys().filter(|k| k.contains('{'));
    for key in labels {
        assert!(
            !key.contains("room=") && !key.contains("\"m\"") && !key.contains("user"),
            "no room or user in a label: {key}"
        );
    }

    // Draining shows from the signal on.
    let mut server = server;
    server.signal();
    let started = Instant::now();
    while server.scrape().await.get("wschat_draining") != 1.0 {
        assert!(started.elapsed() < TIMEOUT, "draining shown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop((a, b, big, flood));
    server.stop().await;
}

/// Unlimited rates, and a drain that waits a while before closing anyone, so a scrape can
/// see it.
fn draining_slowly() -> Config {
    let mut config = common::flooding();
    config.drain.drain_delay = Duration::from_millis(500);
    config
}

#[tokio::test]
async fn the_broker_is_counted_and_a_lost_redis_shows() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(mut redis) = TestRedis::start() else {
        return;
    };
    let server = Metered::start(Config {
        redis: Some(redis.url()),
        ..draining_slowly()
    })
    .await;
    let before = server.scrape().await;
    let (mut a, _) = join(&server.url("b"), Some(0)).await;
    let (mut b, _) = join(&server.url("b"), Some(0)).await;
    for i in 0..5 {
        say(&mut a, &format!("b{i}"), "through redis").await;
        assert!(matches!(recv(&mut b).await, ServerFrame::Msg { .. }));
    }
    let after = server.scrape().await;
    assert_eq!(after.get("wschat_store_up"), 1.0);
    assert!(after.grew(&before, "wschat_broker_published_total") >= 5.0);
    assert!(after.grew(&before, "wschat_broker_received_total") >= 5.0);
    assert!(after.grew(&before, "wschat_broker_lag_seconds_count") >= 5.0);
    assert!(after.grew(&before, "wschat_messages_stored_total") >= 5.0);

    redis.kill();
    let started = Instant::now();
    loop {
        let now = server.scrape().await;
        if now.get("wschat_store_up") == 0.0 {
            assert!(now.grew(&before, "wschat_broker_errors_total") >= 1.0);
            break;
        }
        assert!(started.elapsed() < TIMEOUT, "a lost Redis shows");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop((a, b));
    server.stop().await;
}
