//! Where the reconnect machine is: what the status line shows and what the glue may hold.

use super::reconnect::Now;

/// Why the machine stopped reconnecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Not started yet, or the user disconnected.
    User,
    /// The server closed with a code the policy says not to retry.
    Refused { code: u16, reason: String },
    /// `max_attempts` retries failed in a row.
    GaveUp { attempts: u32 },
    /// There is nothing to connect to: an invalid URL or configuration, or a URL the browser
    /// will not open. Waiting cannot fix it; Connect tries once more.
    Unusable { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// A socket is opening. `attempt` is 0 for a first connection, else the retry number.
    Connecting {
        attempt: u32,
    },
    Open,
    /// Between attempts; `attempt` is the retry that runs at `retry_at`.
    Waiting {
        attempt: u32,
        retry_at: Now,
        last_close: Option<(u16, String)>,
    },
    /// The browser says there is no network; nothing is tried until it says `online`.
    Offline,
    Stopped(StopReason),
}
