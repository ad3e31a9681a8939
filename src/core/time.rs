//! A point in time on the chat's monotonic clock.
//!
//! The core reads no clock: the glue passes the time in with every event. A [`Moment`] is that
//! time, measured from an origin the glue picks (the page's `performance.now()` origin in the
//! browser), so it is a point and never a length: the two cannot be mixed up, and a
//! [`Duration`] is only ever what lies between two moments or what is added to one.

use std::fmt;
use std::time::Duration;

/// A point in time: how long after the clock's origin it is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Moment(Duration);

impl Moment {
    /// The clock's origin.
    pub const ZERO: Moment = Moment(Duration::ZERO);

    /// The moment `since_origin` after the origin.
    pub const fn from_origin(since_origin: Duration) -> Moment {
        Moment(since_origin)
    }

    /// The moment `ms` milliseconds after the origin; negative or NaN counts as the origin (a
    /// browser clock is never negative, but nothing here may panic on what it is given).
    pub fn from_millis_f64(ms: f64) -> Moment {
        Moment(duration_from_secs_f64(ms / 1_000.0))
    }

    /// How long after the origin this is.
    pub const fn since_origin(self) -> Duration {
        self.0
    }

    /// `duration` later; the latest representable moment rather than an overflow.
    pub fn saturating_add(self, duration: Duration) -> Moment {
        Moment(self.0.saturating_add(duration))
    }

    /// How long after `earlier` this is; zero if it is not after it.
    pub fn saturating_duration_since(self, earlier: Moment) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

/// `secs` seconds, to the nearest nanosecond; negative and NaN are zero, and past 584 years
/// it saturates. `Duration::from_secs_f64` and `mul_f64` panic instead, and bring their checks
/// and panic messages into the wasm.
pub fn duration_from_secs_f64(secs: f64) -> Duration {
    // `as` saturates: NaN and negatives become 0, too large becomes u64::MAX.
    Duration::from_nanos((secs * 1e9 + 0.5) as u64)
}

impl fmt::Debug for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Moment({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let late = Moment::from_origin(Duration::MAX);
        assert_eq!(late.saturating_add(Duration::from_secs(1)), late);
        let early = Moment::from_origin(Duration::from_secs(1));
        assert_eq!(early.saturating_duration_since(late), Duration::ZERO);
        assert_eq!(
            late.saturating_duration_since(early),
            Duration::MAX - Duration::from_secs(1)
        );
    }

    #[test]
    fn browser_clock_values_of_any_kind_are_moments() {
        let cases = [
            (1_500.0, Duration::from_millis(1_500)),
            (0.0, Duration::ZERO),
            (-3.0, Duration::ZERO),
            (f64::NAN, Duration::ZERO),
            (f64::INFINITY, Duration::from_nanos(u64::MAX)),
            (0.0004, Duration::from_nanos(400)),
        ];
        for (ms, expected) in cases {
            assert_eq!(Moment::from_millis_f64(ms).since_origin(), expected, "{ms}");
        }
    }
}
