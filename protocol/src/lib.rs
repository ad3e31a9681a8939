//! The `wschat.v1` sub-protocol: small JSON envelopes, one per WebSocket text frame.
//!
//! Shared by the ws-chat client and its companion server so the two can never disagree on
//! the wire format. A peer that does not select [`SUBPROTOCOL`] speaks plain text instead,
//! and none of this applies.
//!
//! | direction | envelope | meaning |
//! |---|---|---|
//! | client → server | `hello {after, name?}` | (re)joined; send every room message with `seq > after` (`0` on a first join: the history; `null`: none, just the head). `name`: the display name the server attaches as `from` to this connection's messages from now on |
//! | client → server | `send {id, text}` | a chat message with a client-made id, unique per browser |
//! | client → server | `ping` | heartbeat; the server answers `pong` |
//! | client → server | `delete {seq}` | deletes the room's message at `seq`; needs the token's `moderate` right (else `error`) |
//! | client → server | `watch` | this connection wants to hear who is in the room (`present`, `absent`, `presence`) and who is typing (`typing`); a client that does not send it gets none of those frames. Sent before `hello`, the snapshot of who is here follows `synced` |
//! | client → server | `read {seq}` | the signed-in user has read the room up to `seq`: the server keeps the highest per user and room, and tells the user's other connections (guests' are ignored) |
//! | client → server | `typing {active}` | the user is typing (`true`, repeated while it goes on) or stopped (`false`); needs the right to post, never stored, and dropped past the server's limit |
//! | client → server | `auth {token}` | the connection's signed token (a JWT), before `hello`; sent again on an open connection, it replaces the token and its rights without a reconnect |
//! | server → client | `ack {id, seq, ts?}` | `id` is durably in the room's history at `seq` (also for a re-sent id), stamped with the server time `ts` |
//! | server → client | `reject {id, reason, retry_after?}` | `id` will never be accepted (too large, empty …); with `retry_after` (ms), only not now: the sender is over its rate limit and may send it again after that long |
//! | server → client | `msg {seq, id?, text, from?, ts?}` | a room message, live or as catch-up; `id` is absent for plain-text senders, `from` for senders without a name; `ts` is when the server stored it |
//! | server → client | `deleted {seq, of}` | a tombstone at `seq` in the room's history: the message at `of` was deleted, live or as catch-up; a deleted message itself comes in a catch-up as a `msg` with an empty `text` (no stored message is empty otherwise) |
//! | server → client | `synced {head, gap}` | catch-up done; `gap`: history no longer held everything after `after` |
//! | server → client | `pong` | heartbeat answer |
//! | server → client | `error {reason, id?}` | the server could not understand a frame; with `id`: it could not store that message now (send it again later) |
//! | server → client | `authed {sub, name?, exp}` | the token was accepted: the user id, the name the server shows for this user, and when the token expires (seconds since the Unix epoch) |
//! | server → client | `typing {who, from?, guest?, active}` | someone else in the room is typing, or stopped: `who` is the same for every connection of one signed-in user (else one per connection), `from` their name; a typer heard from no more for [`TYPING_EXPIRES_MS`] has stopped |
//! | server → client | `read {seq}` | where this signed-in user stopped reading: before the catch-up of a watching connection's `hello` (when the server keeps one), and whenever another of the user's connections moves it |
//! | server → client | `present {who, from?, guest?}` | a user is in the room: one of the snapshot after `synced`, or one who joined (or was renamed) since; `who` as in `typing`, one entry however many tabs |
//! | server → client | `absent {who}` | that user left the room (after a short grace, so a reload is no leave) |
//! | server → client | `presence {count, listed}` | how many users are in the room, after the snapshot and whenever it changes; `listed: false`: too many to list, so no `present` or `absent` comes (and what was listed is void) until it is `true` again, when a new snapshot comes |
//! | server → client | `welcome {nonce?}` | in-band only: the first frame, saying the server speaks wschat.v1, with the URL's [`IN_BAND_NONCE`] parameter echoed (see [`IN_BAND_QUERY`]) |
//!
//! Unknown `type`s and malformed JSON decode to a [`DecodeError`], never a panic. `name`,
//! `from` and `ts` are optional on the wire so that peers from before they existed still
//! understand each other; a `ts` is milliseconds since the Unix epoch on the server's clock.
//! Without a token, names are labels the client picks; with one, the server takes the name
//! from the token alone.
//!
//! A server that checks tokens closes a connection with [`close_code::UNAUTHORIZED`] (no
//! valid token, or it expired), [`close_code::FORBIDDEN`] (the token does not allow this room,
//! or a refreshed token is for another user) or [`close_code::REMOVED`] (kicked).
//!
//! The browser client links no JSON library: it writes its envelopes with [`json`] and reads
//! the server's with the browser's own `JSON.parse` ([`browser`]), which keeps serde and
//! serde_json (about a tenth of the bundle) out of the wasm. Natively (the server, and the
//! client's own tests) serde does both, and the tests hold the two to the same output.

use raw::RawServerFrame;
use std::fmt;

#[cfg(target_arch = "wasm32")]
mod browser;
mod encode;
pub mod json;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod raw;

/// The name offered and selected in `Sec-WebSocket-Protocol`.
pub const SUBPROTOCOL: &str = "wschat.v1";

/// Offered first, before [`SUBPROTOCOL`]: a server that blindly selects the first offered
/// sub-protocol (the Node `ws` package does, by default) knows nothing of envelopes, and this
/// name tells the client so. A server that speaks `wschat.v1` skips it.
pub const PLAIN_SUBPROTOCOL: &str = "wschat.plain";

/// What a client offers, in its order of preference.
pub const OFFERED: [&str; 2] = [PLAIN_SUBPROTOCOL, SUBPROTOCOL];

/// The query parameter (`name=value`) a client adds to the URL when it offers no
/// sub-protocol: some proxies (trunk serve's among them) strip `Sec-WebSocket-Protocol`, and a
/// browser fails a handshake that offered one and got none back.
///
/// A wschat.v1 server that sees it, and selected no sub-protocol, speaks first with
/// [`ServerFrame::Welcome`]; the client sends nothing until it has seen that. A plain server
/// ignores the parameter and never sends `welcome`, so the client stays plain: it never
/// shows other people its protocol frames and never waits for answers a plain server does
/// not give.
pub const IN_BAND_QUERY: (&str, &str) = ("wschat", "v1");

/// The query parameter holding a random value the client makes per in-band connection; the
/// server echoes it in `welcome {nonce}`. A member of a plain room can send the text of a
/// `welcome` to everyone, but cannot know another client's nonce, so it cannot talk that
/// client into sending envelopes to a plain server.
pub const IN_BAND_NONCE: &str = "wschat_nonce";

/// Largest message text, in bytes, that a server accepts into its history.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A room sequence number: 1 for a room's first message, then strictly increasing.
pub type Seq = u64;

/// Milliseconds since the Unix epoch, as the server's clock had it when it stored a message.
pub type Millis = u64;

pub mod close_code;

/// Longest display name, in characters, a server keeps from `hello` (it cuts longer ones).
pub const MAX_NAME_CHARS: usize = 64;

/// A display name as a server keeps it and a client sends it: trimmed, without control
/// characters or invisible direction and width controls (which could make one name look
/// like another, or reverse the text after it), at most [`MAX_NAME_CHARS`] characters;
/// `None` when nothing is left. Shared so the client shows its own name exactly as others
/// will see it.
pub fn clean_name(name: &str) -> Option<String> {
    // Zero-width spaces and joiners, marks and embeddings, word joiner and isolates, BOM.
    const INVISIBLE: [(char, char); 4] = [
        ('\u{200b}', '\u{200f}'),
        ('\u{202a}', '\u{202e}'),
        ('\u{2060}', '\u{2069}'),
        ('\u{feff}', '\u{feff}'),
    ];
    let invisible = |c: char| INVISIBLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&c));
    let kept: String = name
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c))
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    let kept = kept.trim_end();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Envelopes a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    not(target_arch = "wasm32"),
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum ClientFrame {
    Hello {
        after: Option<Seq>,
        /// The display name for this connection's messages; absent: none.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        name: Option<String>,
    },
    Send {
        id: String,
        text: String,
    },
    Ping,
    /// A signed token (a JWT); see [`close_code`] for what a refusal looks like.
    Auth {
        token: String,
    },
    /// Deletes the room's message at `seq` (needs the `moderate` right).
    Delete {
        seq: Seq,
    },
    /// Asks for the room's stored messages before `before` (`None`: the newest), at most
    /// `limit` of them (the server caps it at [`MAX_HISTORY_PAGE`]); needs the `read` right.
    /// Answered by [`ServerFrame::History`] and its messages.
    History {
        before: Option<Seq>,
        limit: u32,
    },
    /// Asks for who is in the room and who is typing (see the module docs).
    Watch,
    /// The user has read the room up to `seq`.
    Read {
        seq: Seq,
    },
    /// The user is typing (`true`), sent again at most every [`TYPING_REPEAT_MS`] while it
    /// goes on, or stopped (`false`). Never stored; answered by nothing.
    Typing {
        active: bool,
    },
}

/// While the user goes on typing, `typing {active: true}` is sent again at most this often.
pub const TYPING_REPEAT_MS: Millis = 3_000;

/// A typer heard from no more for this long has stopped: a client that vanished, or a `false`
/// that was lost, cannot leave someone "typing" for ever. Twice [`TYPING_REPEAT_MS`], so one
/// late repeat does not make a typer flicker.
pub const TYPING_EXPIRES_MS: Millis = 2 * TYPING_REPEAT_MS;

/// The most messages one `history` request is answered with.
pub const MAX_HISTORY_PAGE: u32 = 100;

/// Envelopes a server sends.
///
/// Decoded through [`RawServerFrame`], whose fields the browser reads from `JSON.parse` and
/// serde reads natively, so both decoders share one set of rules ([`TryFrom`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    not(target_arch = "wasm32"),
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case", try_from = "RawServerFrame")
)]
pub enum ServerFrame {
    Ack {
        id: String,
        seq: Seq,
        /// When the server stored it; absent from servers older than this field.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        ts: Option<Millis>,
    },
    Reject {
        id: String,
        reason: String,
        /// Set when the message was refused for now only (the sender is over its rate limit):
        /// milliseconds after which it may be sent again. Without it the refusal is final.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        retry_after: Option<Millis>,
    },
    Msg {
        seq: Seq,
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        id: Option<String>,
        text: String,
        /// The sender's display name: with sign-in, the token's `name`; else what the sender
        /// said in `hello`.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        from: Option<String>,
        /// When the server stored it; absent from servers older than this field.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        ts: Option<Millis>,
        /// The sender's user id (its token's `sub`), when it was signed in.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        user: Option<String>,
        /// The sender was a guest on a server that signs users in: its name is a label anyone
        /// could have chosen. (On a server without sign-in every name is; nothing is marked.)
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "std::ops::Not::not")
        )]
        guest: bool,
    },
    Synced {
        head: Seq,
        gap: bool,
    },
    Pong,
    Error {
        /// The message this is about, when one could not be stored now: the client keeps it
        /// and sends it again later. Absent for a frame the server could not understand.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        id: Option<String>,
        reason: String,
    },
    Authed {
        /// The user id (the token's `sub`).
        sub: String,
        /// The name the server shows for this user (the token's `name`), if it has one.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        name: Option<String>,
        /// When the token expires, in seconds since the Unix epoch (the token's `exp`).
        exp: u64,
    },
    /// A tombstone: the message at `of` was deleted. It has a `seq` of its own in the room's
    /// history, so a catch-up brings it as it brings messages.
    Deleted {
        seq: Seq,
        of: Seq,
    },
    /// The answer to [`ClientFrame::History`]: the next `count` frames are the page, as `msg`
    /// frames in seq order (deleted messages with empty text, tombstones left out), written
    /// before any live message; `more`: older messages are stored.
    History {
        before: Option<Seq>,
        count: u32,
        more: bool,
    },
    /// Someone else in the room is typing (`active`) or stopped.
    Typing {
        /// Who: the user id for a signed-in user (one entry however many tabs), else an id of
        /// the connection.
        who: String,
        /// Their display name, if they have one.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        from: Option<String>,
        /// A guest on a server that signs users in (see [`ServerFrame::Msg`]'s `guest`).
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "std::ops::Not::not")
        )]
        guest: bool,
        active: bool,
    },
    /// Where this signed-in user stopped reading the room.
    Read {
        seq: Seq,
    },
    /// A user is in the room (see the module docs).
    Present {
        who: String,
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        from: Option<String>,
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "std::ops::Not::not")
        )]
        guest: bool,
    },
    /// That user left the room.
    Absent {
        who: String,
    },
    /// How many users are in the room; `listed`: each of them is told with `present`.
    Presence {
        count: u32,
        listed: bool,
    },
    Welcome {
        /// The connection URL's [`IN_BAND_NONCE`] parameter, if it had one.
        #[cfg_attr(
            not(target_arch = "wasm32"),
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        nonce: Option<String>,
    },
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

impl ServerFrame {
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        #[cfg(target_arch = "wasm32")]
        let raw = browser::parse_raw(text);
        #[cfg(not(target_arch = "wasm32"))]
        let raw = native::parse_raw(text);
        raw.and_then(|raw| Self::try_from(raw).map_err(|reason| DecodeError { reason }))
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
