//! Which `Host` names the server answers to: the guard against DNS rebinding.
//!
//! A page on `http://evil.example:9001` can make `evil.example` resolve to 127.0.0.1 after it
//! has loaded. Its requests then reach this server as *same-origin* requests: `Origin` and
//! `Host` both say `evil.example:9001`, so comparing the two proves nothing. What such a page
//! cannot change is the `Host` header, which names the attacker's domain. So every request's
//! `Host` must be one of the names this server answers to: the address it is bound to, the
//! loopback names when it listens on loopback, or a `--host-name`. Anything else gets
//! 421 Misdirected Request.
//!
//! An IP literal or a loopback name in `Host` cannot be rebound, so a `Host` without a port is
//! accepted for those: `trunk serve`'s WebSocket proxy replaces `Host` with its backend's host
//! and drops the port (`Host: 127.0.0.1` for a backend of `ws://127.0.0.1:9001/ws`).

use super::origin::split_host_port;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

/// The names this server answers to.
#[derive(Debug, Default)]
pub struct HostPolicy {
    any: bool,
    /// `--host-name` values: a name and, if one was given, the only port it is valid on.
    names: Vec<(String, Option<u16>)>,
    /// The address the listener is actually bound to (known once serving starts).
    bound: OnceLock<SocketAddr>,
}

impl HostPolicy {
    /// Builds the policy from `--host-name` values (already checked by [`parse_host_name`]);
    /// `*` answers to every name.
    pub fn new(names: &[String]) -> Self {
        HostPolicy {
            any: names.iter().any(|n| n == "*"),
            names: names
                .iter()
                .filter_map(|n| split_host_port(&n.to_ascii_lowercase()).map(own))
                .collect(),
            bound: OnceLock::new(),
        }
    }

    /// Records the listener's address. The first call wins: a server serves one listener.
    pub fn bind(&self, addr: SocketAddr) {
        let _ = self.bound.set(addr);
    }

    /// Whether a request whose `Host` header is `host` is meant for this server.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let host = host.trim().to_ascii_lowercase();
        let Some((name, port)) = split_host_port(&host) else {
            return false;
        };
        let named = self.names.iter().any(|(n, p)| {
            n == name
                && match (p, port) {
                    (None, _) => true,
                    (Some(p), Some(port)) => *p == port,
                    // Browsers leave out the scheme's default port.
                    (Some(p), None) => matches!(p, 80 | 443),
                }
        });
        named || self.is_listen_address(name, port)
    }

    fn is_listen_address(&self, name: &str, port: Option<u16>) -> bool {
        let Some(bound) = self.bound.get() else {
            return false;
        };
        if port.is_some_and(|p| p != bound.port()) {
            return false;
        }
        let listens_on_loopback = bound.ip().is_loopback() || bound.ip().is_unspecified();
        if name == "localhost" {
            return listens_on_loopback;
        }
        let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        else {
            return false;
        };
        // Bound to 0.0.0.0 or [::], the server is reachable on every address of the machine;
        // an IP literal cannot be rebound, so any of them is this server.
        ip == bound.ip() || bound.ip().is_unspecified() || (ip.is_loopback() && listens_on_loopback)
    }
}

fn own((name, port): (&str, Option<u16>)) -> (String, Option<u16>) {
    (name.to_owned(), port)
}

/// Checks a `--host-name` value: `*`, or `NAME` or `NAME:PORT` (IPv6 in brackets).
pub fn parse_host_name(value: &str) -> Result<String, String> {
    let value = value.trim().to_ascii_lowercase();
    if value == "*" || split_host_port(&value).is_some() {
        Ok(value)
    } else {
        Err(format!("not a host name with an optional port: {value:?}"))
    }
}

/// Middleware: 421 for a request whose `Host` (or HTTP/2 `:authority`) is not one of ours.
/// A request without either is let through: every browser sends one, and DNS rebinding is
/// an attack through a browser.
pub async fn check(State(policy): State<Arc<HostPolicy>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}").to_owned())
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()));
    match host {
        Some(host) if !policy.allows(&host) => {
            tracing::info!(host, path = req.uri().path(), "refused: unknown Host");
            (
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "this server does not answer to the name {host:?}; \
                     start it with --host-name {host} if it should\n"
                ),
            )
                .into_response()
        }
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(addr: &str, names: &[&str]) -> HostPolicy {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let p = HostPolicy::new(&names);
        p.bind(addr.parse().expect("socket address"));
        p
    }

    #[test]
    fn loopback_listener_answers_to_loopback_names_on_its_port() {
        let p = bound("127.0.0.1:9001", &[]);
        for host in [
            "127.0.0.1:9001",
            "localhost:9001",
            "LOCALHOST:9001",
            "[::1]:9001",
            "127.0.0.1", // trunk's proxy drops the port
            "localhost",
        ] {
            assert!(p.allows(host), "{host}");
        }
        for host in [
            "127.0.0.1:9002",
            "localhost:80",
            "evil.example:9001",
            "evil.example",
            "localhost.evil.example:9001",
            "192.168.1.5:9001",
            "",
            "127.0.0.1:notaport",
        ] {
            assert!(!p.allows(host), "{host}");
        }
    }

    #[test]
    fn other_listeners_answer_to_their_own_address() {
        let p = bound("192.168.1.5:9001", &[]);
        assert!(p.allows("192.168.1.5:9001"));
        assert!(!p.allows("127.0.0.1:9001"));
        assert!(!p.allows("localhost:9001"));
        let v6 = bound("[::1]:9001", &[]);
        assert!(v6.allows("[::1]:9001") && v6.allows("localhost:9001"));
        let all = bound("0.0.0.0:9001", &[]);
        for host in ["10.0.0.7:9001", "localhost:9001", "127.0.0.1"] {
            assert!(all.allows(host), "{host}");
        }
        assert!(!all.allows("chat.example:9001"));
        assert!(!all.allows("10.0.0.7:9002"));
    }

    #[test]
    fn host_names_with_and_without_a_port() {
        let p = bound(
            "127.0.0.1:9001",
            &["chat.example", "Other.Example:8443", "tls.example:443"],
        );
        assert!(p.allows("chat.example"));
        assert!(p.allows("chat.example:1234"));
        assert!(p.allows("other.example:8443"));
        assert!(!p.allows("other.example:8444"));
        assert!(!p.allows("other.example"));
        assert!(p.allows("tls.example"));
        assert!(!p.allows("evil.example"));
        assert!(bound("127.0.0.1:9001", &["*"]).allows("anything.example:1"));
    }

    #[test]
    fn nothing_but_names_before_the_listener_is_known() {
        let p = HostPolicy::new(&["chat.example".into()]);
        assert!(!p.allows("127.0.0.1:9001"));
        assert!(p.allows("chat.example"));
    }

    #[test]
    fn host_name_flag_values_are_checked() {
        assert_eq!(
            parse_host_name("Chat.Example:80"),
            Ok("chat.example:80".into())
        );
        assert_eq!(parse_host_name("*"), Ok("*".into()));
        assert_eq!(parse_host_name("[::1]:9001"), Ok("[::1]:9001".into()));
        for bad in ["", "a:b", "http://x", "x:99999", "a b"] {
            assert!(parse_host_name(bad).is_err(), "{bad}");
        }
    }
}
