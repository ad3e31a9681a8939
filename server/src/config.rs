//! Command-line flags of `ws-chat-server`, also used as the in-process configuration.

use clap::Parser;
use std::path::PathBuf;

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
    #[arg(long = "host-name", value_name = "NAME[:PORT]", value_parser = crate::host::parse_host_name)]
    pub host_names: Vec<String>,

    /// Messages kept per room; also the window in which a re-sent id is recognised.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub history: u32,

    /// SQLite file holding the history; `:memory:` keeps it in memory (lost on exit).
    #[arg(long, default_value = "ws-chat-history.sqlite3")]
    pub db: PathBuf,

    /// Largest WebSocket frame and message accepted, in bytes. The default leaves room for a
    /// 16 KiB text whose every character JSON-escapes to six bytes, so an over-long message
    /// gets a `reject` rather than a 1009 close.
    #[arg(long, default_value_t = 128 * 1024, value_parser = clap::value_parser!(u32).range(1024..))]
    pub max_message_bytes: u32,

    /// Adds the `/_test/*` endpoints that drop, close or refuse connections on demand.
    #[arg(long)]
    pub fault_injection: bool,
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
        assert_eq!(c.max_message_bytes, 128 * 1024);
        assert!(!c.fault_injection);
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
