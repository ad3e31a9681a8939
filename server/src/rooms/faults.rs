//! Commands to every live connection, and a refusal of new ones: what the fault-injection
//! endpoints set for reconnection tests, and how a broken fan-out sends every member away.

use crate::sync::lock;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// The longest fault-injected refusal of upgrades: longer than any test runs.
pub const MAX_REFUSAL: Duration = Duration::from_secs(24 * 60 * 60);

/// A command to every live connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Drop the TCP connection without a close frame (the browser sees 1006).
    Drop,
    /// Close properly with this code and reason.
    Close { code: u16, reason: String },
}

/// The commands on their way to the connections, and the refusal in force.
#[derive(Debug)]
pub struct FaultInjection {
    faults: broadcast::Sender<Fault>,
    refuse_until: Mutex<Option<Instant>>,
}

impl Default for FaultInjection {
    fn default() -> Self {
        FaultInjection {
            faults: broadcast::channel(16).0,
            refuse_until: Mutex::default(),
        }
    }
}

impl FaultInjection {
    /// The commands for one connection, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Fault> {
        self.faults.subscribe()
    }

    /// Sends a fault to every live connection; returns how many will act on it.
    pub fn inject(&self, fault: Fault) -> usize {
        self.faults.send(fault).unwrap_or(0)
    }

    /// Refuse upgrades (503) from now until `duration`, at most [`MAX_REFUSAL`], has passed;
    /// returns the duration used. Unclamped, a duration past what the platform's `Instant`
    /// can add would refuse nothing at all, when a huge value means "refuse until told
    /// otherwise".
    pub fn refuse_for(&self, duration: Duration) -> Duration {
        let duration = duration.min(MAX_REFUSAL);
        *lock(&self.refuse_until) = Instant::now().checked_add(duration);
        duration
    }

    /// Whether upgrades are being refused right now.
    pub fn refusing(&self) -> bool {
        lock(&self.refuse_until).is_some_and(|until| Instant::now() < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_clamped_and_a_zero_one_ends_the_refusal() {
        // (asked for, used, refusing right after)
        let cases = [
            (Duration::MAX, MAX_REFUSAL, true),
            (MAX_REFUSAL + Duration::from_secs(1), MAX_REFUSAL, true),
            (Duration::from_secs(60), Duration::from_secs(60), true),
            (Duration::ZERO, Duration::ZERO, false),
        ];
        let faults = FaultInjection::default();
        assert!(!faults.refusing(), "nothing refused before it is asked");
        for (asked, used, refusing) in cases {
            assert_eq!(faults.refuse_for(asked), used, "{asked:?}");
            assert_eq!(faults.refusing(), refusing, "{asked:?}");
        }
    }

    #[test]
    fn a_fault_reaches_every_connection_subscribed_before_it() {
        let faults = FaultInjection::default();
        assert_eq!(faults.inject(Fault::Drop), 0, "nobody to tell");
        let (mut a, mut b) = (faults.subscribe(), faults.subscribe());
        let close = Fault::Close {
            code: 4000,
            reason: "x".into(),
        };
        assert_eq!(faults.inject(close.clone()), 2);
        let mut late = faults.subscribe();
        assert_eq!(a.try_recv(), Ok(close.clone()));
        assert_eq!(b.try_recv(), Ok(close));
        assert!(late.try_recv().is_err(), "subscribed after it was sent");
    }
}
