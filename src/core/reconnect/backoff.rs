//! How long to wait before reconnect attempt `n`.
//!
//! One formula covers the policies worth comparing: `period(n) = min(max, initial · multiplier^(n-1))`
//! and `delay = period · (1 - jitter · u)` with `u` uniform in `[0, 1)`. `jitter = 1` is "full
//! jitter", `jitter = 0` a fixed schedule. The defaults were picked with the herd benchmark
//! (`cargo bench --bench herd`): see the README for the trade-off.

use crate::core::setters::setters;
use crate::core::time::duration_from_secs_f64;
use std::time::Duration;

/// The wait before each retry: `period(n) = min(max, initial · multiplier^(n-1))`, of which
/// the share `jitter` is randomized (`delay = period · (1 - jitter · u)`, `u` uniform in
/// `[0, 1)`), so that clients that lost the same server do not all come back at once.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Backoff {
    /// Period of the first retry after a connection is lost.
    pub initial: Duration,
    /// Growth of the period per failed attempt.
    pub multiplier: f64,
    /// The period stops growing here; it bounds the worst-case wait once a server is back.
    pub max: Duration,
    /// Share of the period that is randomized, from 0 (none) to 1 (full jitter).
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(1_000),
            multiplier: 2.0,
            max: Duration::from_millis(4_000),
            jitter: 0.5,
        }
    }
}

setters!(Backoff {
    initial: Duration,
    multiplier: f64,
    max: Duration,
    jitter: f64,
});

impl Backoff {
    /// A fixed interval without jitter: the policy of the popular Rust hooks.
    pub fn fixed(interval: Duration) -> Self {
        Self {
            initial: interval,
            multiplier: 1.0,
            max: interval,
            jitter: 0.0,
        }
    }

    /// Exponential growth with full jitter.
    pub fn full_jitter(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            multiplier: 2.0,
            max,
            jitter: 1.0,
        }
    }

    /// The un-jittered period for attempt `attempt` (1-based).
    pub fn period(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let grown = self.initial.as_secs_f64() * self.multiplier.max(1.0).powi(exponent);
        duration_from_secs_f64(grown.min(self.max.as_secs_f64()))
    }

    /// The delay before attempt `attempt`, given `u` uniform in `[0, 1)`.
    pub fn delay(&self, attempt: u32, u: f64) -> Duration {
        let jitter = self.jitter.clamp(0.0, 1.0);
        let factor = 1.0 - jitter * u.clamp(0.0, 1.0);
        duration_from_secs_f64(self.period(attempt).as_secs_f64() * factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn period_grows_to_the_cap() {
        let b = Backoff {
            initial: ms(500),
            multiplier: 2.0,
            max: ms(3_000),
            jitter: 0.0,
        };
        let cases = [
            (0, 500),
            (1, 500),
            (2, 1_000),
            (3, 2_000),
            (4, 3_000),
            (40, 3_000),
            (u32::MAX, 3_000),
        ];
        for (attempt, want) in cases {
            assert_eq!(b.period(attempt), ms(want), "attempt {attempt}");
        }
    }

    #[test]
    fn jitter_scales_the_period_down_by_up_to_its_share() {
        let b = Backoff {
            initial: ms(4_000),
            multiplier: 1.0,
            max: ms(4_000),
            jitter: 0.5,
        };
        let cases = [
            (0.0, 4_000),
            (0.5, 3_000),
            (0.999_999, 2_000),
            (7.0, 2_000),
            (-1.0, 4_000),
        ];
        for (u, want) in cases {
            let got = b.delay(1, u).as_millis() as i64;
            assert!((got - want).abs() <= 1, "u={u}: {got} != {want}");
        }
    }

    #[test]
    fn named_policies() {
        assert_eq!(Backoff::fixed(ms(3_000)).delay(9, 0.7), ms(3_000));
        let full = Backoff::full_jitter(ms(250), ms(30_000));
        assert_eq!(full.delay(1, 0.0), ms(250));
        assert_eq!(full.delay(20, 0.0), ms(30_000));
        assert_eq!(full.delay(20, 0.5), ms(15_000));
    }
}
