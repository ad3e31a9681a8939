//! Why a connection is closed: what every check of the sign-in layer answers when the
//! connection may not stay. Below `session` and `bans`, which both give one.

use ws_chat_protocol::close_code;

/// Why a connection is closed: a code of [`close_code`] and a reason for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub reason: String,
}

impl Refusal {
    /// 4401: no valid token (the client fetches a new one).
    pub(super) fn unauthorized(reason: impl Into<String>) -> Self {
        Refusal {
            code: close_code::UNAUTHORIZED,
            reason: reason.into(),
        }
    }

    /// 4403: not allowed in this room.
    pub(super) fn forbidden(reason: impl Into<String>) -> Self {
        Refusal {
            code: close_code::FORBIDDEN,
            reason: reason.into(),
        }
    }

    /// 4409: removed (kicked); the client stops.
    pub(super) fn removed(reason: impl Into<String>) -> Self {
        Refusal {
            code: close_code::REMOVED,
            reason: reason.into(),
        }
    }
}
