//! The close codes a server that checks tokens uses, in the range RFC 6455 leaves to
//! applications (4000–4999), numbered after the HTTP statuses they mirror.

/// No valid token: missing, malformed, badly signed, expired, or not sent in time. A
/// client gets a fresh token before it tries again.
pub const UNAUTHORIZED: u16 = 4401;
/// The token is valid but does not allow this: the room, or a refresh for another user.
pub const FORBIDDEN: u16 = 4403;
/// The user was removed (kicked) from the room; trying again is refused for a while.
pub const REMOVED: u16 = 4409;
