//! Every setting of a chat's connection, checked once when the engine is built.
//!
//! Embedders pass these in, so any value can arrive: a NaN jitter or a duration of years would
//! otherwise panic deep inside a timer (`Duration` arithmetic does on overflow) or spin. A bad
//! value stops the chat with a sentence that names the setting instead.

use crate::core::delivery::DeliveryConfig;
use crate::core::reconnect::ReconnectConfig;
use crate::core::setters::setters;
use crate::core::sign_in::SignInConfig;
use std::fmt;
use std::time::Duration;

/// A chat's connection settings. The defaults suit a chat on the open internet; every value
/// is checked when the chat starts, and one out of range stops it with a message that names it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EngineConfig {
    /// When to retry and when to give up.
    pub reconnect: ReconnectConfig,
    /// The outbox, heartbeats and in-band negotiation.
    pub delivery: DeliveryConfig,
    /// Where the token comes from, if the server wants one. Set from
    /// [`ConnectionOptions::token`](crate::ConnectionOptions::token) (and `token_param`), the
    /// one place a chat's token source is given, so the two can never disagree.
    pub(crate) sign_in: SignInConfig,
}

setters!(EngineConfig {
    reconnect: ReconnectConfig,
    delivery: DeliveryConfig,
});

/// The longest duration any setting may have. A day is far beyond any sensible timeout, and
/// small enough that adding it to the page's clock never overflows.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A setting out of its range. The value itself is not repeated: formatting floats and
/// durations would add about 10 KB to the wasm for a message nobody should ever see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, as a path in [`EngineConfig`] (`backoff.jitter`).
    pub setting: &'static str,
    /// The range it must be in, in words.
    pub expected: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid configuration: {} must be {}",
            self.setting, self.expected
        )
    }
}

impl std::error::Error for ConfigError {}

impl EngineConfig {
    /// The first setting out of range, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let r = &self.reconnect;
        let d = &self.delivery;
        let b = &r.backoff;
        let positive = "between 1 ms and 1 day";
        let bounded = "at most 1 day";
        let durations = [
            ("backoff.initial", b.initial, bounded),
            ("backoff.max", b.max, bounded),
            ("stable_after", r.stable_after, bounded),
            ("connect_timeout", r.connect_timeout, positive),
            ("wake_threshold", r.wake_threshold, positive),
            ("hop_delay", r.hop_delay, bounded),
            ("heartbeat_idle", d.heartbeat_idle, positive),
            ("heartbeat_timeout", d.heartbeat_timeout, positive),
            ("save_every", d.save_every, bounded),
            ("welcome_wait", d.welcome_wait, positive),
            ("store_retry", d.store_retry, positive),
        ];
        for (setting, value, expected) in durations {
            let too_small = expected == positive && value < Duration::from_millis(1);
            if too_small || value > MAX_DURATION {
                return Err(error(setting, expected));
            }
        }
        if !(b.multiplier.is_finite() && (1.0..=1_000.0).contains(&b.multiplier)) {
            return Err(error("backoff.multiplier", "a number from 1 to 1000"));
        }
        if !(0.0..=1.0).contains(&b.jitter) {
            return Err(error("backoff.jitter", "a number from 0 to 1"));
        }
        if b.initial > b.max {
            return Err(error("backoff.initial", "at most backoff.max"));
        }
        if d.outbox_capacity == 0 {
            return Err(error("outbox_capacity", "at least 1"));
        }
        if d.max_message_bytes == 0 {
            return Err(error("max_message_bytes", "at least 1"));
        }
        Ok(())
    }
}

fn error(setting: &'static str, expected: &'static str) -> ConfigError {
    ConfigError { setting, expected }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(EngineConfig::default().validate(), Ok(()));
    }

    #[test]
    fn each_out_of_range_value_is_named() {
        type Edit = fn(&mut EngineConfig);
        let cases: [(Edit, &str); 12] = [
            (|c| c.reconnect.backoff.jitter = f64::NAN, "backoff.jitter"),
            (|c| c.reconnect.backoff.jitter = 1.5, "backoff.jitter"),
            (
                |c| c.reconnect.backoff.multiplier = f64::INFINITY,
                "backoff.multiplier",
            ),
            (
                |c| c.reconnect.backoff.multiplier = 0.5,
                "backoff.multiplier",
            ),
            (|c| c.reconnect.backoff.max = Duration::MAX, "backoff.max"),
            (
                |c| c.reconnect.backoff.initial = Duration::from_secs(3600),
                "backoff.initial",
            ),
            (
                |c| c.reconnect.connect_timeout = Duration::ZERO,
                "connect_timeout",
            ),
            (
                |c| c.reconnect.stable_after = Duration::from_secs(u64::MAX),
                "stable_after",
            ),
            (
                |c| c.delivery.heartbeat_idle = Duration::from_secs(100_000),
                "heartbeat_idle",
            ),
            (|c| c.delivery.welcome_wait = Duration::ZERO, "welcome_wait"),
            (|c| c.delivery.outbox_capacity = 0, "outbox_capacity"),
            (|c| c.delivery.max_message_bytes = 0, "max_message_bytes"),
        ];
        for (edit, setting) in cases {
            let mut config = EngineConfig::default();
            edit(&mut config);
            let err = config.validate().expect_err(setting);
            assert_eq!(err.setting, setting);
            assert!(
                err.to_string().starts_with("invalid configuration: "),
                "{err}"
            );
        }
    }
}
