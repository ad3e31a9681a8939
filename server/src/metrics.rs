//! What the server counts for an operator, in one place: every metric's name, what it means,
//! and the one call each layer makes to record it. Scraped as Prometheus text at `/metrics`
//! on `--metrics-listen` (see `http/metrics_route.rs`).
//!
//! The `metrics` crate's macros do nothing until a recorder is installed, so a server without
//! `--metrics-listen` pays almost nothing for them. The recorder is global to the process
//! (the crate's design): [`install`] sets it once, and several servers in one process (the
//! tests) share it. Labels never carry a room name, a user id or anything a client chose: a
//! label's values must stay few, and an operator's dashboard is no place for who said what.
//!
//! May be imported by any layer; imports nothing of this crate.

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Upgrades taken: WebSocket connections opened.
pub const CONNECTIONS_OPENED: &str = "wschat_connections_opened_total";
/// Upgrades refused, by `reason` (one of a fixed few: see [`refused`]).
pub const UPGRADES_REFUSED: &str = "wschat_upgrades_refused_total";
/// Open WebSocket connections, when scraped.
pub const CONNECTIONS: &str = "wschat_connections";
/// Rooms in memory (with at least one member), when scraped.
pub const ROOMS: &str = "wschat_rooms";
/// Chat messages received from clients (wschat.v1 `send` and plain text), and their bytes.
pub const MESSAGES_RECEIVED: &str = "wschat_messages_received_total";
pub const RECEIVED_BYTES: &str = "wschat_received_bytes_total";
/// Frames handed to members from their send queues (room messages, relayed signals), and
/// their bytes.
pub const FRAMES_SENT: &str = "wschat_frames_sent_total";
pub const SENT_BYTES: &str = "wschat_sent_bytes_total";
/// Messages stored anew (not re-sends of a stored id), and their text's bytes.
pub const MESSAGES_STORED: &str = "wschat_messages_stored_total";
pub const STORED_BYTES: &str = "wschat_stored_bytes_total";
/// How long an append took, from the caller's side, whatever its outcome.
pub const STORE_APPEND_SECONDS: &str = "wschat_store_append_seconds";
/// Appends written in one SQLite transaction (group commit).
pub const STORE_BATCH_ROWS: &str = "wschat_store_batch_rows";
/// Failed appends and reads.
pub const STORE_ERRORS: &str = "wschat_store_errors_total";
/// Appends a Redis Cluster stored but no replica confirmed in time (`WAIT`): not acked.
pub const STORE_UNREPLICATED: &str = "wschat_store_unreplicated_total";
/// 1 while the store takes messages (with Redis: while its fan-out is subscribed).
pub const STORE_UP: &str = "wschat_store_up";
/// Messages published to the Redis fan-out by this server.
pub const BROKER_PUBLISHED: &str = "wschat_broker_published_total";
/// Messages and signals heard from the Redis fan-out.
pub const BROKER_RECEIVED: &str = "wschat_broker_received_total";
/// Fan-out subscriptions lost or refused, and malformed fan-out messages.
pub const BROKER_ERRORS: &str = "wschat_broker_errors_total";
/// From a message's storing (its `ts`, on the storing server's clock) to this server hearing
/// it from the fan-out.
pub const BROKER_LAG_SECONDS: &str = "wschat_broker_lag_seconds";
/// Members closed because their send queue overflowed (too slow to read).
pub const SEND_QUEUE_OVERFLOWS: &str = "wschat_send_queue_overflows_total";
/// Connections the server closed, by close `code`.
pub const SERVER_CLOSES: &str = "wschat_server_closes_total";
/// From a WebSocket Ping to the peer's next frame.
pub const PING_RTT_SECONDS: &str = "wschat_ping_rtt_seconds";
/// 1 from SIGTERM until the process exits.
pub const DRAINING: &str = "wschat_draining";
/// Always 1, labelled with the server's `version`.
pub const BUILD_INFO: &str = "wschat_build_info";

/// Latency buckets, in seconds: from a fast loopback append to a Redis or disk stall.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Batch-size buckets, in rows.
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 1024.0];

/// The process's Prometheus recorder, installed on first use; later calls get the same one.
pub fn install() -> Result<PrometheusHandle, String> {
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(STORE_BATCH_ROWS.into()), &BATCH_BUCKETS)
                })
                .map_err(|e| format!("metrics: {e}"))?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder)
                .map_err(|e| format!("metrics: another recorder is installed: {e}"))?;
            describe();
            // Present from the start, so a rate over the first scrapes is not missing data.
            for name in [
                CONNECTIONS_OPENED,
                MESSAGES_RECEIVED,
                RECEIVED_BYTES,
                FRAMES_SENT,
                SENT_BYTES,
                MESSAGES_STORED,
                STORED_BYTES,
                STORE_ERRORS,
                BROKER_PUBLISHED,
                BROKER_RECEIVED,
                BROKER_ERRORS,
                SEND_QUEUE_OVERFLOWS,
            ] {
                counter!(name).absolute(0);
            }
            gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            Ok(handle)
        })
        .clone()
}

fn describe() {
    describe_counter!(CONNECTIONS_OPENED, "WebSocket connections opened");
    describe_counter!(UPGRADES_REFUSED, "WebSocket upgrades refused, by reason");
    describe_gauge!(CONNECTIONS, "open WebSocket connections");
    describe_gauge!(ROOMS, "rooms in memory");
    describe_counter!(MESSAGES_RECEIVED, "chat messages received from clients");
    describe_counter!(
        RECEIVED_BYTES,
        Unit::Bytes,
        "bytes of chat messages received"
    );
    describe_counter!(
        FRAMES_SENT,
        "frames delivered to members from their send queues"
    );
    describe_counter!(
        SENT_BYTES,
        Unit::Bytes,
        "bytes of frames delivered to members"
    );
    describe_counter!(MESSAGES_STORED, "messages stored anew");
    describe_counter!(STORED_BYTES, Unit::Bytes, "bytes of message text stored");
    describe_histogram!(STORE_APPEND_SECONDS, Unit::Seconds, "time an append took");
    describe_histogram!(
        STORE_BATCH_ROWS,
        "appends written in one SQLite transaction"
    );
    describe_counter!(STORE_ERRORS, "failed appends and reads");
    describe_counter!(
        STORE_UNREPLICATED,
        "cluster appends no replica confirmed in time, not acked"
    );
    describe_gauge!(STORE_UP, "1 while the store takes messages");
    describe_counter!(BROKER_PUBLISHED, "messages published to the Redis fan-out");
    describe_counter!(
        BROKER_RECEIVED,
        "messages and signals heard from the Redis fan-out"
    );
    describe_counter!(
        BROKER_ERRORS,
        "fan-out subscriptions lost or refused, malformed messages"
    );
    describe_histogram!(
        BROKER_LAG_SECONDS,
        Unit::Seconds,
        "from storing to hearing from the fan-out"
    );
    describe_counter!(SEND_QUEUE_OVERFLOWS, "members closed for a full send queue");
    describe_counter!(
        SERVER_CLOSES,
        "connections the server closed, by close code"
    );
    describe_histogram!(
        PING_RTT_SECONDS,
        Unit::Seconds,
        "from a Ping to the peer's next frame"
    );
    describe_gauge!(DRAINING, "1 while the server drains for a restart");
    describe_gauge!(BUILD_INFO, "1, labelled with the server's version");
}

/// An upgrade was refused for `reason`.
pub fn refused(reason: &'static str) {
    counter!(UPGRADES_REFUSED, "reason" => reason).increment(1);
}

/// The server closed a connection with `code`: one of the codes the server sends, or
/// `other` (fault injection can send any), so the label keeps a few values.
pub fn closed(code: u16) {
    let label = match code {
        1000..=1015 | 4401 | 4403 | 4409 => code.to_string(),
        _ => "other".to_owned(),
    };
    counter!(SERVER_CLOSES, "code" => label).increment(1);
}

/// A chat message of `bytes` came in.
pub fn received(bytes: usize) {
    counter!(MESSAGES_RECEIVED).increment(1);
    counter!(RECEIVED_BYTES).increment(as_u64(bytes));
}

/// A frame of `bytes` went out to a member.
pub fn sent(bytes: usize) {
    counter!(FRAMES_SENT).increment(1);
    counter!(SENT_BYTES).increment(as_u64(bytes));
}

/// An append took `took`; `stored_bytes` if it stored a new message of that many bytes.
pub fn appended(took: Duration, stored_bytes: Option<usize>, failed: bool) {
    histogram!(STORE_APPEND_SECONDS).record(took.as_secs_f64());
    if let Some(bytes) = stored_bytes {
        counter!(MESSAGES_STORED).increment(1);
        counter!(STORED_BYTES).increment(as_u64(bytes));
    }
    if failed {
        counter!(STORE_ERRORS).increment(1);
    }
}

/// One SQLite transaction wrote `rows` appends.
pub fn batch(rows: usize) {
    histogram!(STORE_BATCH_ROWS).record(rows as f64);
}

/// A cluster append no replica confirmed in time.
pub fn unreplicated() {
    counter!(STORE_UNREPLICATED).increment(1);
}

/// A stored message was published to the fan-out.
pub fn published() {
    counter!(BROKER_PUBLISHED).increment(1);
}

/// Something was heard from the fan-out; `lag` since its storing, for a message.
pub fn heard(lag: Option<Duration>) {
    counter!(BROKER_RECEIVED).increment(1);
    if let Some(lag) = lag {
        histogram!(BROKER_LAG_SECONDS).record(lag.as_secs_f64());
    }
}

/// The fan-out failed (a lost or refused subscription, a malformed message).
pub fn broker_error() {
    counter!(BROKER_ERRORS).increment(1);
}

/// A member's send queue overflowed.
pub fn overflowed() {
    counter!(SEND_QUEUE_OVERFLOWS).increment(1);
}

/// A peer answered a Ping after `rtt`.
pub fn ping_answered(rtt: Duration) {
    histogram!(PING_RTT_SECONDS).record(rtt.as_secs_f64());
}

/// A connection was opened.
pub fn opened() {
    counter!(CONNECTIONS_OPENED).increment(1);
}

/// The gauges read when scraped: what is open, whether the store is up, whether draining.
pub fn gauges(connections: usize, rooms: usize, store_up: bool, draining: bool) {
    gauge!(CONNECTIONS).set(connections as f64);
    gauge!(ROOMS).set(rooms as f64);
    gauge!(STORE_UP).set(f64::from(u8::from(store_up)));
    gauge!(DRAINING).set(f64::from(u8::from(draining)));
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
