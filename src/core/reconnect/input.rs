//! What goes into the reconnect machine and what comes out of it.

/// What happened: to the socket, to the page, or by the user's hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The user wants a connection (mount, or the Connect button).
    Start,
    /// The user disconnected: close and never reconnect by itself.
    Stop,
    /// "Reconnect now", or a manual retry after the machine gave up or was refused.
    RetryNow,
    /// The handshake failed in a way another form of handshake may not (see
    /// [`crate::core::engine::handshake`]): try again at once, without counting a failure.
    Renegotiate,
    /// The socket reached `OPEN`.
    Opened,
    /// The socket closed (or failed to open) with this code and reason.
    Closed {
        /// The close code (1006 when the connection just broke).
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// No socket could be made (see [`StopReason::Unusable`]).
    Unusable {
        /// What is wrong, in words.
        reason: String,
    },
    /// The connection is alive on paper but dead in fact (a missed heartbeat): drop and retry.
    Dead {
        /// Why it is taken for dead.
        reason: String,
    },
    /// Signing in failed: the server refused the token (4401) or the token source failed,
    /// and a new token can be had. A failed attempt like any other, retried after the
    /// backoff, whatever the close policy says of 4401.
    SignedOut {
        /// Why, in words.
        reason: String,
    },
    /// The network came back (`online`): retry at once.
    Online,
    /// The network went away (`offline`): stop trying until it is back.
    Offline,
    /// The page became visible again.
    Visible,
}

/// What the glue must do to the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a new socket (the glue drops any previous one first).
    Connect,
    /// Close and drop the current socket; its later events must not come back.
    Close {
        /// The close code to send.
        code: u16,
        /// The close reason to send.
        reason: String,
    },
}

/// Close code used when the client itself abandons a socket it considers dead.
pub const ABANDONED: u16 = 4000;
