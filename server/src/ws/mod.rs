//! WebSocket connections at `/ws`: from the checks before the upgrade to the end of each
//! connection.
//!
//! Owns the upgrade route and its checks (`endpoint`, `handshake`, connection `limits`), the
//! messages and hellos each sender may send per second (`rate_limits`), how often a
//! connection's typing reaches its room and its read position the store (`gates`), one
//! connection's task (`connection`), the socket whose sends have a deadline (`timed_socket`),
//! `keepalive`, and what each dialect does with a frame it receives (`plain`, `wschat`, and
//! `older` for a page of older messages, `catch_up` for a `hello`'s). Files import downward only: `endpoint` →
//! `connection` → `plain`, `wschat` → `older`, `catch_up` → `timed_socket`, with `handshake`,
//! `keepalive`, `gates` and `rate_limits` → `limits` below their users.
//!
//! May import: `crate::auth` (what a connection may do), `crate::rooms` (a connection is a
//! member of a room), `crate::history`'s types (what an append did), the bottom helpers and
//! the protocol crate. Never `crate::http`: the origin check in front of `/ws` is put on where
//! the routes are put together ([`crate::Server`]).

mod catch_up;
mod connection;
mod endpoint;
mod gates;
mod handshake;
mod keepalive;
mod limits;
mod older;
mod plain;
mod rate_limits;
mod timed_socket;
mod wschat;

pub use connection::Timing;
pub use endpoint::{router, ConnectionRules, DEFAULT_ROOM};
pub use limits::ConnectionLimits;
pub use rate_limits::{Rate, RateLimits};
