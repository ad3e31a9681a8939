//! RFC 6455 §4.2 handshake checks, done before axum's `WebSocketUpgrade` sees the request.
//!
//! axum answers every bad handshake with a bare 400 and does not validate the key; browsers
//! and proxies expect the specific answers the RFC gives (426 with `Upgrade`, 400 with the
//! supported `Sec-WebSocket-Version`), so these checks come first and axum only does the
//! upgrade itself.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use ws_chat_protocol::SUBPROTOCOL;

/// The only `Sec-WebSocket-Version` this server (and every browser) speaks.
const VERSION: &str = "13";

/// Sub-protocols this server supports, in no particular order: the client's order decides.
const SUPPORTED_SUBPROTOCOLS: &[&str] = &[SUBPROTOCOL];

/// Why a request to `/ws` is not a usable WebSocket handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeError {
    /// No `Upgrade: websocket` / `Connection: upgrade`: a plain HTTP request.
    NotUpgrade,
    /// `Sec-WebSocket-Version` missing or other than 13.
    UnsupportedVersion,
    /// `Sec-WebSocket-Key` missing or not base64 of 16 bytes.
    BadKey,
}

impl IntoResponse for HandshakeError {
    fn into_response(self) -> Response {
        match self {
            HandshakeError::NotUpgrade => (
                StatusCode::UPGRADE_REQUIRED,
                [
                    (header::UPGRADE, "websocket"),
                    (header::CONNECTION, "Upgrade"),
                ],
                "this endpoint speaks WebSocket only: send an Upgrade: websocket request\n",
            )
                .into_response(),
            HandshakeError::UnsupportedVersion => (
                StatusCode::BAD_REQUEST,
                [(header::SEC_WEBSOCKET_VERSION, VERSION)],
                "unsupported or missing Sec-WebSocket-Version; this server speaks 13\n",
            )
                .into_response(),
            HandshakeError::BadKey => (
                StatusCode::BAD_REQUEST,
                "missing or invalid Sec-WebSocket-Key: it must be base64 of 16 bytes\n",
            )
                .into_response(),
        }
    }
}

/// Checks the handshake headers in the RFC's order (the origin is checked before this).
pub fn check(headers: &HeaderMap) -> Result<(), HandshakeError> {
    if !has_token(headers, &header::UPGRADE, "websocket")
        || !has_token(headers, &header::CONNECTION, "upgrade")
    {
        return Err(HandshakeError::NotUpgrade);
    }
    let mut versions = headers.get_all(header::SEC_WEBSOCKET_VERSION).iter();
    match (versions.next(), versions.next()) {
        (Some(v), None) if v.as_bytes().trim_ascii() == VERSION.as_bytes() => {}
        _ => return Err(HandshakeError::UnsupportedVersion),
    }
    let mut keys = headers.get_all(header::SEC_WEBSOCKET_KEY).iter();
    match (keys.next(), keys.next()) {
        (Some(key), None) if is_valid_key(key) => Ok(()),
        _ => Err(HandshakeError::BadKey),
    }
}

/// The sub-protocol to select: the first one in the client's list (its order of preference)
/// that this server supports. axum's own `protocols()` ranks by the server's list and loses
/// the client's order, so the choice is made here and handed to axum as the only option.
pub fn select_subprotocol(headers: &HeaderMap) -> Option<&'static str> {
    tokens(headers, &header::SEC_WEBSOCKET_PROTOCOL).find_map(|offered| {
        SUPPORTED_SUBPROTOCOLS
            .iter()
            .copied()
            .find(|s| s.as_bytes() == offered)
    })
}

/// A key is the base64 encoding of a 16-byte nonce (RFC 6455 §4.1, item 7).
fn is_valid_key(key: &HeaderValue) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(key.as_bytes().trim_ascii())
        .is_ok_and(|nonce| nonce.len() == 16)
}

/// Whether a comma-separated header (over all its occurrences) holds `token`, ignoring case.
fn has_token(headers: &HeaderMap, name: &HeaderName, token: &str) -> bool {
    tokens(headers, name).any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
}

/// The trimmed, non-empty comma-separated items of every occurrence of a header.
fn tokens<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a [u8]> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    const GOOD: &[(&str, &str)] = &[
        ("upgrade", "WebSocket"),
        ("connection", "keep-alive, Upgrade"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn a_browser_handshake_passes() {
        assert_eq!(check(&headers(GOOD)), Ok(()));
    }

    #[test]
    fn each_missing_part_gives_its_own_error_in_rfc_order() {
        let without = |name: &str| {
            headers(
                &GOOD
                    .iter()
                    .copied()
                    .filter(|(k, _)| *k != name)
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(check(&without("upgrade")), Err(HandshakeError::NotUpgrade));
        assert_eq!(
            check(&without("connection")),
            Err(HandshakeError::NotUpgrade)
        );
        assert_eq!(
            check(&without("sec-websocket-version")),
            Err(HandshakeError::UnsupportedVersion)
        );
        assert_eq!(
            check(&without("sec-websocket-key")),
            Err(HandshakeError::BadKey)
        );
    }

    #[test]
    fn keys_must_be_base64_of_sixteen_bytes() {
        for bad in [
            "",
            "abc",
            "dGhlIHNhbXBsZSBub25jZQ",
            "dGhlIHNhbXBsZSBub25jZXg=",
            "!!!!",
        ] {
            assert!(!is_valid_key(&HeaderValue::from_static(bad)), "{bad}");
        }
        assert!(is_valid_key(&HeaderValue::from_static(
            "AAAAAAAAAAAAAAAAAAAAAA=="
        )));
    }

    #[test]
    fn subprotocol_follows_the_client_order_and_ignores_unknown_ones() {
        let pick = |v: &'static str| select_subprotocol(&headers(&[("sec-websocket-protocol", v)]));
        assert_eq!(pick("foo, wschat.v1"), Some("wschat.v1"));
        assert_eq!(pick("wschat.v1,foo"), Some("wschat.v1"));
        assert_eq!(pick("foo"), None);
        assert_eq!(pick("WSCHAT.V1"), None);
        assert_eq!(select_subprotocol(&HeaderMap::new()), None);
    }
}
