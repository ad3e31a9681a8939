//! Command-line flags of `ws-chat-server`, also used as the in-process configuration: the
//! server's own here, the sign-in flags in `auth_flags`, the rate limits in `rate_flags`, and
//! how a duration is written in `duration`.

mod auth_flags;
mod drain_flags;
mod duration;
mod rate_flags;

pub use auth_flags::AuthFlags;
pub use drain_flags::DrainFlags;
use duration::parse_duration;
pub use rate_flags::RateFlags;

use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines, coloured on a terminal.
    Text,
    /// One JSON object a line: time, level, message, fields, and the connection's span.
    Json,
}

/// The `--db` value that keeps history in memory only (for tests): nothing survives a restart.
pub const IN_MEMORY_DB: &str = ":memory:";

/// How the server runs; every field is a command-line flag.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "ws-chat-server",
    version,
    about = "WebSocket chat rooms (plain text or wschat.v1) that also serve the built ws-chat app"
)]
pub struct Config {
    /// Address to listen on (`host:port`; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:9001")]
    pub listen: String,

    /// Directory served at `/` (the built app); `index.html` answers unknown paths without a
    /// file extension (client-side routes), other unknown paths get 404.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,

    /// Extra origin allowed to open `/ws`, e.g. `https://example.com`; `*` allows every origin.
    /// Repeatable. The server's own host and any port of localhost/127.0.0.1/[::1] are
    /// always allowed.
    #[arg(long = "allowed-origin", value_name = "URL")]
    pub allowed_origins: Vec<String>,

    /// Extra name the server answers to in the `Host` header, as `NAME` (any port) or
    /// `NAME:PORT`; `*` answers to every name. Repeatable. Requests for other names get 421
    /// (the guard against DNS rebinding). The listening address, and localhost / 127.0.0.1 /
    /// [::1] when listening on loopback, on the listening port, are always answered to.
    #[arg(long = "host-name", value_name = "NAME[:PORT]", value_parser = crate::http::host::parse_host_name)]
    pub host_names: Vec<String>,

    /// Messages kept per room; also the window in which a re-sent id is recognised.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub history: u32,

    /// SQLite file holding the history; `:memory:` keeps it in memory (lost on exit).
    #[arg(long, default_value = "ws-chat-history.sqlite3")]
    pub db: PathBuf,

    /// Redis holding the history, dedupe and fan-out instead of `--db`, e.g.
    /// `redis://127.0.0.1:6379/`: every server with the same `--redis` serves the same rooms.
    /// An ack means stored in Redis, which is durable only with `appendonly yes` and
    /// `appendfsync always`. While Redis is unreachable, connections are closed with 1013 and
    /// upgrades refused with 503; the server recovers by itself when Redis returns.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,

    /// How long a write waits for another process's lock on `--db` before the message is
    /// answered with an `error` (the client sends it again later). E.g. `5s`, `500ms`.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub db_busy_timeout: Duration,

    /// Most messages written to `--db` in one transaction (group commit): appends that queue
    /// while the previous commit syncs share the next one and its fsync, and each is acked
    /// only after it. 1 is a transaction per message.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub db_batch_rows: u32,

    /// Milliseconds the `--db` writer waits for more messages before it commits a batch
    /// smaller than `--db-batch-rows`. 0 (the default) never waits: a quiet server acks at
    /// once, and a busy one batches by itself. More trades latency for fewer syncs on a disk
    /// whose fsync is slow.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub db_batch_wait_ms: u32,

    /// Largest WebSocket frame and message accepted, in bytes. The default leaves room for a
    /// 16 KiB text whose every character JSON-escapes to six bytes, so an over-long message
    /// gets a `reject` rather than a 1009 close.
    #[arg(long, default_value_t = 128 * 1024, value_parser = clap::value_parser!(u32).range(1024..))]
    pub max_message_bytes: u32,

    /// WebSocket connections open at once; more are refused with 503 and `Retry-After`.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// WebSocket connections open at once from one IPv4 address or IPv6 /64 (behind a reverse
    /// proxy that is the proxy's address: raise it there); more get 503 and `Retry-After`.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections_per_ip: u32,

    /// Rooms open (with at least one member) at once; a connection that would open one more
    /// gets 503 and `Retry-After`. A room leaves memory with its last member.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rooms: u32,

    /// Rooms with more users than this tell their members only how many are in (`presence
    /// {count, listed: false}`), not who: a list of thousands helps nobody and costs every
    /// member a frame per join and leave.
    #[arg(long, default_value_t = 100)]
    pub presence_list_max: u32,

    /// Bytes of outgoing frames queued for one connection before it counts as too slow and is
    /// closed with 1013 (Try Again Later). At least `--max-message-bytes`.
    #[arg(long, default_value_t = 1024 * 1024, value_parser = clap::value_parser!(u32).range(128 * 1024..))]
    pub max_queue_bytes: u32,

    /// Longest time a client may take to send a request's headers (counted from the
    /// connection's start or the end of its previous request): a silent TCP connection or a
    /// slowloris client is dropped after it.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: Duration,

    /// Longest wait for a peer to take one outgoing frame; a peer that stops reading for this
    /// long is closed with 1013 (Try Again Later). E.g. `10s`, `500ms`.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub send_timeout: Duration,

    /// Quiet time after which the server sends a WebSocket Ping; any frame from the peer
    /// counts as an answer.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    pub ping_interval: Duration,

    /// Further quiet time after a Ping before the peer counts as gone and is closed with 1013:
    /// a dead peer lasts at most `--ping-interval` + `--pong-timeout`.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    pub pong_timeout: Duration,

    /// How log lines (on stderr) are written: `text` for people, `json` (one object a line)
    /// for a log pipeline. `RUST_LOG` picks what is logged (default `info`).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Address (`host:port`) of a listener of its own serving Prometheus metrics at
    /// `/metrics`; off by default. The same address as `--listen` serves them on the public
    /// port, which only that asks for.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<String>,

    /// Adds the `/_test/*` endpoints that drop, close or refuse connections on demand.
    #[arg(long)]
    pub fault_injection: bool,

    #[command(flatten)]
    pub auth: AuthFlags,

    #[command(flatten)]
    pub rates: RateFlags,

    #[command(flatten)]
    pub drain: DrainFlags,
}

impl Default for Config {
    /// The command-line defaults.
    fn default() -> Self {
        Config::parse_from(["ws-chat-server"])
    }
}

impl Config {
    /// The defaults, but with history in memory: what in-process tests want.
    pub fn in_memory() -> Self {
        Config {
            db: PathBuf::from(IN_MEMORY_DB),
            ..Config::default()
        }
    }

    /// Whether `--db` asks for the in-memory store.
    pub fn db_in_memory(&self) -> bool {
        self.db.as_os_str() == IN_MEMORY_DB
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_flags() {
        let c = Config::default();
        assert_eq!(c.listen, "127.0.0.1:9001");
        assert_eq!(c.dist, PathBuf::from("dist"));
        assert!(c.allowed_origins.is_empty());
        assert!(c.host_names.is_empty());
        assert_eq!(c.history, 1000);
        assert_eq!(c.db, PathBuf::from("ws-chat-history.sqlite3"));
        assert_eq!(c.db_busy_timeout, Duration::from_secs(5));
        assert_eq!(c.max_message_bytes, 128 * 1024);
        assert_eq!(c.max_connections, 10_000);
        assert_eq!(c.max_connections_per_ip, 200);
        assert_eq!(c.max_rooms, 10_000);
        assert_eq!(c.presence_list_max, 100);
        assert_eq!(c.max_queue_bytes, 1024 * 1024);
        assert_eq!(c.header_read_timeout, Duration::from_secs(10));
        assert_eq!(c.send_timeout, Duration::from_secs(10));
        assert_eq!(c.ping_interval, Duration::from_secs(20));
        assert_eq!(c.pong_timeout, Duration::from_secs(20));
        assert!(!c.fault_injection);
        assert_eq!(c.redis, None);
        assert!(Config::in_memory().db_in_memory());
    }

    #[test]
    fn repeatable_origins_and_zero_history_is_refused() {
        let c = Config::try_parse_from([
            "s",
            "--allowed-origin",
            "https://a.example",
            "--allowed-origin",
            "*",
        ])
        .expect("parses");
        assert_eq!(c.allowed_origins, ["https://a.example", "*"]);
        assert!(Config::try_parse_from(["s", "--history", "0"]).is_err());
    }

    #[test]
    fn duration_flags_are_at_most_a_day() {
        let max = u64::MAX;
        for flag in [
            "--ping-interval",
            "--pong-timeout",
            "--send-timeout",
            "--header-read-timeout",
            "--db-busy-timeout",
            "--auth-timeout",
        ] {
            let huge = format!("{max}s");
            assert!(
                Config::try_parse_from(["s", flag, &huge]).is_err(),
                "{flag}"
            );
            assert!(
                Config::try_parse_from(["s", flag, "1440m"]).is_ok(),
                "{flag}"
            );
        }
    }

    #[test]
    fn repeatable_host_names_are_checked_and_lowercased() {
        let c = Config::try_parse_from([
            "s",
            "--host-name",
            "Chat.Example",
            "--host-name",
            "[::1]:8080",
        ])
        .expect("parses");
        assert_eq!(c.host_names, ["chat.example", "[::1]:8080"]);
        assert!(Config::try_parse_from(["s", "--host-name", "http://x"]).is_err());
    }
}
