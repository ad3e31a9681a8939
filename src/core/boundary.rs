//! What crosses the engine's boundary: [`EngineEvent`]s the browser glue reports, [`Effect`]s it
//! carries out, and the saved outbox they carry. Plain data, so the glue needs nothing else of the
//! core to speak to it.

use crate::core::view::update::ChatUpdate;
use ws_chat_protocol::{Millis, Seq};

/// Everything that can happen to a chat, from the socket, the page or the user.
// Only the browser glue makes most of these; natively, only the tests do.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    Opened {
        protocol: String,
        extensions: String,
    },
    /// A text frame, and the wall clock (ms since the epoch) when it arrived: the time shown
    /// for a message whose server gives none (a plain server).
    Text {
        text: String,
        wall_ms: Millis,
    },
    Binary {
        len: usize,
    },
    /// The browser's `error` event; a `close` always follows, which is what counts.
    Error,
    Closed {
        code: u16,
        reason: String,
    },
    Online,
    Offline,
    Visible,
    /// The page was hidden (another tab, a minimised window): it reads nothing that arrives.
    Hidden,
    /// The page is going away (`pagehide`, or the chat is unmounted): save the outbox now,
    /// marked as left behind, so a later page load can adopt it if this one never returns.
    PageHidden,
    /// The page came back from the back-forward cache: its outbox is its own again.
    PageShown,
    /// A typed message; `nonce` is 128 random bits from the browser's `crypto`, which become
    /// the message's id (see `Delivery::user_send`); `wall_ms` is when it was typed.
    UserSend {
        text: String,
        nonce: u128,
        wall_ms: Millis,
    },
    /// The user typed, leaving text in the box (`true`), or stopped: blurred the box or
    /// emptied it (`false`). Sending is a stop by itself.
    UserTyping {
        typing: bool,
    },
    /// The reader has read the room up to `seq` (the newest message on screen, the page
    /// visible).
    UserRead {
        seq: Seq,
    },
    /// "Retry" on a failed message of ours.
    UserRetry {
        id: String,
    },
    /// "Remove" on a failed message of ours.
    UserRemove {
        id: String,
    },
    /// The reader scrolled back past what is kept: ask the server for the messages before
    /// `before` (before the newest for `None`, to come back to them).
    UserLoadOlder {
        before: Option<Seq>,
    },
    /// The browser would not even create the socket (`new WebSocket` threw): a blocked port,
    /// mixed content, a URL it rejects. Retrying the same URL cannot help.
    ConnectFailed {
        reason: String,
    },
    /// Writing the saved outbox failed (storage full, refused or missing).
    StorageFailed {
        reason: String,
    },
    UserConnect,
    UserDisconnect,
    UserRetryNow,
    /// What the fetch of [`Effect::FetchToken`] with this ticket gave: a token, or why there is
    /// none (the token URL's status, a `getToken` that threw).
    TokenFetched {
        ticket: u32,
        result: Result<String, String>,
    },
}

/// What the browser glue must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Drop any current socket and open a new one to `url` offering these sub-protocols.
    Connect {
        url: String,
        protocols: Vec<String>,
    },
    /// Close and drop the current socket.
    Close {
        code: u16,
        reason: String,
    },
    Send(String),
    /// Get a token from the chat's source, and report it with this ticket as
    /// [`EngineEvent::TokenFetched`]. Never two at once.
    FetchToken {
        ticket: u32,
    },
    Ui(ChatUpdate),
    /// Store the outbox so a reload keeps it; `orphaned` when the page is going away. An empty
    /// list removes the saved record.
    SaveOutbox {
        messages: Vec<SavedMessage>,
        orphaned: bool,
    },
    /// Remember, across reloads, that the server known by `key` needs a handshake without
    /// sub-protocols (`in_band`), or no longer does (see
    /// [`crate::core::engine::handshake`]).
    RememberHandshake {
        key: String,
        in_band: bool,
    },
}

/// A typed message as the outbox saves it: what survives a reload, enough to show the message
/// as queued and send it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedMessage {
    /// The client-made message id.
    pub id: String,
    /// What was typed.
    pub text: String,
    /// When it was typed (ms since the epoch); `None` in records saved before times were.
    pub at: Option<Millis>,
}
