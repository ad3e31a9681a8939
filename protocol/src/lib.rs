//! The `wschat.v1` sub-protocol: small JSON envelopes, one per WebSocket text frame.
//!
//! Shared by the ws-chat client and its companion server so the two can never disagree on
//! the wire format. A peer that does not select [`SUBPROTOCOL`] speaks plain text instead,
//! and none of this applies.
//!
//! | direction | envelope | meaning |
//! |---|---|---|
//! | client → server | `hello {after}` | (re)joined; send every room message with `seq > after` (`0` on a first join: the history; `null`: none, just the head) |
//! | client → server | `send {id, text}` | a chat message with a client-made id, unique per browser |
//! | client → server | `ping` | heartbeat; the server answers `pong` |
//! | server → client | `ack {id, seq}` | `id` is durably in the room's history at `seq` (also for a re-sent id) |
//! | server → client | `reject {id, reason}` | `id` will never be accepted (too large, empty …) |
//! | server → client | `msg {seq, id, text}` | a room message, live or as catch-up; `id` is absent for plain-text senders |
//! | server → client | `synced {head, gap}` | catch-up done; `gap`: history no longer held everything after `after` |
//! | server → client | `pong` | heartbeat answer |
//! | server → client | `error {reason}` | the server could not understand a frame |
//!
//! Unknown `type`s and malformed JSON decode to a [`DecodeError`], never a panic.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The name offered and selected in `Sec-WebSocket-Protocol`.
pub const SUBPROTOCOL: &str = "wschat.v1";

/// Offered first, before [`SUBPROTOCOL`]: a server that blindly selects the first offered
/// sub-protocol (the Node `ws` package does, by default) knows nothing of envelopes, and this
/// name tells the client so. A server that speaks `wschat.v1` skips it.
pub const PLAIN_SUBPROTOCOL: &str = "wschat.plain";

/// What a client offers, in its order of preference.
pub const OFFERED: [&str; 2] = [PLAIN_SUBPROTOCOL, SUBPROTOCOL];

/// Largest message text, in bytes, that a server accepts into its history.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A room sequence number: 1 for a room's first message, then strictly increasing.
pub type Seq = u64;

/// Envelopes a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Hello { after: Option<Seq> },
    Send { id: String, text: String },
    Ping,
}

/// Envelopes a server sends.
///
/// Decoded through [`RawServerFrame`] rather than serde's internally tagged enum support,
/// which buffers every field in a generic value first and weighs about 15 KB of wasm in the
/// browser, where this is the only envelope decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawServerFrame")]
pub enum ServerFrame {
    Ack {
        id: String,
        seq: Seq,
    },
    Reject {
        id: String,
        reason: String,
    },
    Msg {
        seq: Seq,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        text: String,
    },
    Synced {
        head: Seq,
        gap: bool,
    },
    Pong,
    Error {
        reason: String,
    },
}

/// Every field any server envelope has, flat; `type` says which must be there.
#[derive(Deserialize)]
struct RawServerFrame {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    seq: Option<Seq>,
    text: Option<String>,
    reason: Option<String>,
    head: Option<Seq>,
    gap: Option<bool>,
}

impl TryFrom<RawServerFrame> for ServerFrame {
    type Error = String;

    fn try_from(raw: RawServerFrame) -> Result<Self, String> {
        let kind = raw.kind;
        let need = |field: &str| format!("`{kind}` needs `{field}`");
        let frame = match kind.as_str() {
            "ack" => ServerFrame::Ack {
                id: raw.id.ok_or_else(|| need("id"))?,
                seq: raw.seq.ok_or_else(|| need("seq"))?,
            },
            "reject" => ServerFrame::Reject {
                id: raw.id.ok_or_else(|| need("id"))?,
                reason: raw.reason.ok_or_else(|| need("reason"))?,
            },
            "msg" => ServerFrame::Msg {
                seq: raw.seq.ok_or_else(|| need("seq"))?,
                id: raw.id,
                text: raw.text.ok_or_else(|| need("text"))?,
            },
            "synced" => ServerFrame::Synced {
                head: raw.head.ok_or_else(|| need("head"))?,
                gap: raw.gap.ok_or_else(|| need("gap"))?,
            },
            "pong" => ServerFrame::Pong,
            "error" => ServerFrame::Error {
                reason: raw.reason.ok_or_else(|| need("reason"))?,
            },
            _ => return Err(format!("unknown envelope type `{kind}`")),
        };
        Ok(frame)
    }
}

/// A frame that is not a valid envelope of this protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong, for logs and the error line the client shows.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed {SUBPROTOCOL} envelope: {}", self.reason)
    }
}

impl std::error::Error for DecodeError {}

impl ClientFrame {
    pub fn encode(&self) -> String {
        encode(self)
    }

    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        decode(text)
    }
}

impl ServerFrame {
    pub fn encode(&self) -> String {
        encode(self)
    }

    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        decode(text)
    }
}

fn encode<T: Serialize>(frame: &T) -> String {
    // These types hold only strings, integers and booleans: serializing cannot fail.
    serde_json::to_string(frame).unwrap_or_default()
}

fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError {
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_round_trip_with_documented_shape() {
        let cases = [
            (
                ClientFrame::Hello { after: None },
                r#"{"type":"hello","after":null}"#,
            ),
            (
                ClientFrame::Hello { after: Some(7) },
                r#"{"type":"hello","after":7}"#,
            ),
            (
                ClientFrame::Send {
                    id: "a1-2".into(),
                    text: "<b>hi</b>".into(),
                },
                r#"{"type":"send","id":"a1-2","text":"<b>hi</b>"}"#,
            ),
            (ClientFrame::Ping, r#"{"type":"ping"}"#),
        ];
        for (frame, json) in cases {
            assert_eq!(frame.encode(), json);
            assert_eq!(ClientFrame::decode(json), Ok(frame));
        }
    }

    #[test]
    fn server_frames_round_trip_with_documented_shape() {
        let cases = [
            (
                ServerFrame::Ack {
                    id: "x".into(),
                    seq: 3,
                },
                r#"{"type":"ack","id":"x","seq":3}"#,
            ),
            (
                ServerFrame::Reject {
                    id: "x".into(),
                    reason: "too large".into(),
                },
                r#"{"type":"reject","id":"x","reason":"too large"}"#,
            ),
            (
                ServerFrame::Msg {
                    seq: 4,
                    id: None,
                    text: "plain".into(),
                },
                r#"{"type":"msg","seq":4,"text":"plain"}"#,
            ),
            (
                ServerFrame::Msg {
                    seq: 5,
                    id: Some("y".into()),
                    text: "t".into(),
                },
                r#"{"type":"msg","seq":5,"id":"y","text":"t"}"#,
            ),
            (
                ServerFrame::Synced { head: 9, gap: true },
                r#"{"type":"synced","head":9,"gap":true}"#,
            ),
            (ServerFrame::Pong, r#"{"type":"pong"}"#),
            (
                ServerFrame::Error { reason: "r".into() },
                r#"{"type":"error","reason":"r"}"#,
            ),
        ];
        for (frame, json) in cases {
            assert_eq!(frame.encode(), json);
            assert_eq!(ServerFrame::decode(json), Ok(frame));
        }
    }

    #[test]
    fn malformed_and_unknown_envelopes_are_errors_not_panics() {
        let bad = [
            "",
            "data received",
            "{}",
            "[]",
            "null",
            r#"{"type":"warp"}"#,
            r#"{"type":"ack","id":1,"seq":"x"}"#,
            r#"{"type":"msg","seq":-1,"text":"t"}"#,
            r#"{"type":"ack","id":"x"}"#,
            "{\"type\":\"msg\",\"seq\":1,\"text\":\"\\ud800\"}",
        ];
        for text in bad {
            let err = ServerFrame::decode(text).expect_err(text);
            assert!(err.to_string().starts_with("malformed wschat.v1"), "{err}");
            assert!(ClientFrame::decode(text).is_err(), "{text}");
        }
    }
}
