//! Which browser origins may open a WebSocket here.
//!
//! Browsers send `Origin` on every WebSocket handshake and, unlike `fetch`, do not apply
//! CORS to WebSockets: without this check any page the user visits could join the chat in
//! the user's name (cross-site WebSocket hijacking). Non-browser clients send no `Origin`
//! and are always let in; they could forge one anyway.
//!
//! [`refuse_foreign`] applies the policy in front of the routes that need it: `/ws`, and the
//! `/_test/*` endpoints, which a page could otherwise call with a "simple" request.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The allowed origins: the server's own host, loopback on any port, plus `--allowed-origin`.
#[derive(Debug, Clone, Default)]
pub struct OriginPolicy {
    any: bool,
    extra: Vec<Origin>,
}

impl OriginPolicy {
    /// Builds the policy from `--allowed-origin` values; `*` allows every origin. Values that
    /// are not `scheme://host[:port]` can still match an `Origin` spelled exactly like them.
    pub fn new(allowed: &[String]) -> Self {
        OriginPolicy {
            any: allowed.iter().any(|a| a.trim() == "*"),
            extra: allowed
                .iter()
                .map(|a| Origin::parse(a.trim().trim_end_matches('/')))
                .collect(),
        }
    }

    /// Whether a request with this `Origin` (and this `Host` header) may open a WebSocket.
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        if self.any {
            return true;
        }
        let origin = Origin::parse(origin.trim());
        if self.extra.contains(&origin) {
            return true;
        }
        let Origin::Url {
            scheme,
            host: o_host,
            port,
        } = &origin
        else {
            return false;
        };
        if scheme != "http" && scheme != "https" {
            return false;
        }
        if matches!(o_host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
            return true;
        }
        // Same origin as the page this server itself served: compare with `Host`, which has
        // no scheme, so a missing port there means the origin scheme's default port. Alone
        // this proves nothing under DNS rebinding (both name the attacker's domain); it is
        // sound because `crate::http::host` has already refused every `Host` that is not ours.
        let Some(host) = host.map(|h| h.trim().to_ascii_lowercase()) else {
            return false;
        };
        split_host_port(&host)
            .is_some_and(|(h, p)| h == o_host && p.unwrap_or(default_port(scheme)) == *port)
    }
}

/// Middleware: 403 for a request from a page whose origin the policy does not allow. A
/// request without `Origin` comes from outside a browser and is let through.
pub async fn refuse_foreign(
    State(origins): State<Arc<OriginPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|origin| origins.allows(origin, host(req.headers())));
        if !allowed {
            tracing::info!(
                ?origin,
                path = req.uri().path(),
                "refused: origin not allowed"
            );
            crate::metrics::refused("origin");
            return (
                StatusCode::FORBIDDEN,
                "origin not allowed; start the server with --allowed-origin to allow it\n",
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// The request's `Host` header, if it is text.
pub fn host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok())
}

/// An `Origin` value, normalised so that `HTTP://Example.com:80` equals `http://example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    Url {
        scheme: String,
        host: String,
        port: u16,
    },
    /// Anything else (`null`, `file://`, garbage): only equal to the very same text.
    Opaque(String),
}

impl Origin {
    fn parse(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        let parsed = lower.split_once("://").and_then(|(scheme, authority)| {
            let (host, port) = split_host_port(authority)?;
            let known_default = matches!(scheme, "http" | "https" | "ws" | "wss");
            let port = match port {
                Some(p) => p,
                None if known_default => default_port(scheme),
                None => return None,
            };
            Some(Origin::Url {
                scheme: scheme.to_owned(),
                host: host.to_owned(),
                port,
            })
        });
        parsed.unwrap_or(Origin::Opaque(lower))
    }
}

fn default_port(scheme: &str) -> u16 {
    match scheme {
        "https" | "wss" => 443,
        _ => 80,
    }
}

/// Splits `host[:port]` (host may be a bracketed IPv6 literal). `None` if malformed.
pub(crate) fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_on_any_port_and_own_host_are_allowed() {
        let p = OriginPolicy::new(&[]);
        for o in [
            "http://localhost:8080",
            "https://localhost",
            "http://127.0.0.1:1",
            "http://[::1]:5173",
            "HTTP://LOCALHOST:3000",
        ] {
            assert!(p.allows(o, None), "{o}");
        }
        assert!(p.allows("http://chat.example:9001", Some("chat.example:9001")));
        assert!(p.allows("https://chat.example", Some("chat.example")));
        assert!(p.allows("http://chat.example:80", Some("chat.example")));
        assert!(!p.allows("http://chat.example:9002", Some("chat.example:9001")));
        assert!(!p.allows("https://chat.example", Some("chat.example:80")));
    }

    #[test]
    fn foreign_and_odd_origins_are_refused() {
        let p = OriginPolicy::new(&[]);
        for o in [
            "https://evil.example",
            "null",
            "",
            "file://",
            "ftp://localhost",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost:99999",
        ] {
            assert!(!p.allows(o, Some("127.0.0.1:9001")), "{o}");
        }
    }

    #[test]
    fn extra_origins_match_exactly_and_star_matches_all() {
        let p = OriginPolicy::new(&["https://example.com/".into()]);
        assert!(p.allows("https://example.com", None));
        assert!(p.allows("https://example.com:443", None));
        assert!(!p.allows("http://example.com", None));
        assert!(!p.allows("https://sub.example.com", None));
        let all = OriginPolicy::new(&["*".into()]);
        assert!(all.allows("https://anything.example", None));
        assert!(all.allows("null", None));
    }
}
