//! The server's wall clock, as the wire carries it.

use std::time::{SystemTime, UNIX_EPOCH};
use ws_chat_protocol::Millis;

/// The server's wall clock in ms since the Unix epoch (0 if it is set before 1970).
pub fn now_millis() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
    })
}
