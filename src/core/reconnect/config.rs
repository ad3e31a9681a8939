//! The reconnect machine's settings.

use crate::core::reconnect::backoff::Backoff;
use crate::core::reconnect::close_code::ClosePolicy;
use crate::core::setters::setters;
use std::time::Duration;

/// When to retry, when to give up, and which close codes mean "do not come back".
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReconnectConfig {
    /// The wait before each retry.
    pub backoff: Backoff,
    /// A connection must stay open this long before the attempt count resets, so a server that
    /// accepts and drops at once sees the backoff grow instead of a tight loop.
    pub stable_after: Duration,
    /// A socket still `CONNECTING` after this long is abandoned and retried.
    pub connect_timeout: Duration,
    /// Give up after this many failed retries in a row (`None`: never).
    pub max_attempts: Option<u32>,
    /// The close codes that stop reconnecting.
    pub close_policy: ClosePolicy,
    /// A timer that fires this much later than it was due means the machine slept.
    pub wake_threshold: Duration,
    /// The wait before trying the next of several servers while some server of the round is
    /// still untried: short, so a dead server costs the chat a second or so, not a growing
    /// backoff.
    pub hop_delay: Duration,
    /// After a 1012 (service restart) whose reason names no delay, the wait before coming
    /// back is random up to this, so the clients of a restarting server return spread out
    /// rather than all at once.
    pub restart_spread: Duration,
}

impl Default for ReconnectConfig {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            stable_after: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            max_attempts: None,
            close_policy: ClosePolicy::default(),
            wake_threshold: Duration::from_secs(10),
            hop_delay: Duration::from_millis(200),
            restart_spread: Duration::from_secs(5),
        }
    }
}

setters!(ReconnectConfig {
    backoff: Backoff,
    stable_after: Duration,
    connect_timeout: Duration,
    max_attempts: Option<u32>,
    close_policy: ClosePolicy,
    wake_threshold: Duration,
    hop_delay: Duration,
    restart_spread: Duration,
});
