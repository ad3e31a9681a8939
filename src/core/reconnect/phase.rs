//! Where the reconnect machine is: what the status line shows and what the glue may hold.

use crate::core::time::Moment;

/// Why the machine stopped reconnecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Not started yet, or the user disconnected.
    User,
    /// The server closed with a code the policy says not to retry.
    Refused {
        /// The close code.
        code: u16,
        /// The server's close reason.
        reason: String,
    },
    /// `max_attempts` retries failed in a row.
    GaveUp {
        /// The failed retries.
        attempts: u32,
    },
    /// There is nothing to connect to: an invalid URL or configuration, or a URL the browser
    /// will not open. Waiting cannot fix it; Connect tries once more.
    Unusable {
        /// What is wrong, in words.
        reason: String,
    },
}

/// Where the machine is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// A socket is opening.
    Connecting {
        /// 0 for a first connection, else the retry number.
        attempt: u32,
    },
    /// The socket is open.
    Open,
    /// Between attempts; `attempt` is the retry that runs at `retry_at`.
    Waiting {
        /// The retry that runs next.
        attempt: u32,
        /// When it runs.
        retry_at: Moment,
        /// The code and reason of the close that led here, if there was one.
        last_close: Option<(u16, String)>,
    },
    /// The browser says there is no network; nothing is tried until it says `online`.
    Offline,
    /// Not reconnecting, for this reason.
    Stopped(StopReason),
}
