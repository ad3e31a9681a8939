//! When to write the saved outbox: at once after a quiet spell, then at most once per
//! interval. A single message typed is saved straight away; a burst of sends or acks costs one
//! write per interval instead of one per message (each write serializes the whole outbox, so
//! writing per message would cost O(k²) for k messages).

use crate::core::time::Moment;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SaveThrottle {
    every: Duration,
    last: Option<Moment>,
    due: Option<Moment>,
}

impl SaveThrottle {
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            last: None,
            due: None,
        }
    }

    /// Something changed at `now`. Returns whether to write now; otherwise a write is due at
    /// [`Self::poll_timeout`].
    pub fn changed(&mut self, now: Moment) -> bool {
        if self.due.is_some() {
            return false;
        }
        match self.last {
            Some(last) if now < last.saturating_add(self.every) => {
                self.due = Some(last.saturating_add(self.every));
                false
            }
            _ => {
                self.last = Some(now);
                true
            }
        }
    }

    pub fn poll_timeout(&self) -> Option<Moment> {
        self.due
    }

    /// Returns whether a write is due now.
    pub fn handle_timeout(&mut self, now: Moment) -> bool {
        if self.due.is_some_and(|due| due <= now) {
            self.written(now);
            return true;
        }
        false
    }

    /// Written out of turn (the page is going away): nothing is due any more.
    pub fn written(&mut self, now: Moment) {
        self.due = None;
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn at(n: u64) -> Moment {
        Moment::from_origin(ms(n))
    }

    #[test]
    fn first_change_writes_then_at_most_once_per_interval() {
        let mut t = SaveThrottle::new(ms(100));
        assert!(t.changed(at(0)));
        let mut writes = 0;
        // 1,000 changes a millisecond apart: one write per 100 ms, not one per change.
        for now in 1..=1_000 {
            if t.handle_timeout(at(now)) {
                writes += 1;
            }
            if t.changed(at(now)) {
                writes += 1;
            }
        }
        assert!((9..=11).contains(&writes), "{writes}");
        // The last change is still written, at its due time.
        let due = t.poll_timeout().expect("a write is due");
        assert!(due <= at(1_100));
        assert!(t.handle_timeout(due));
        assert_eq!(t.poll_timeout(), None);
        // After a quiet spell, a change writes at once again.
        assert!(t.changed(at(5_000)));
    }

    #[test]
    fn an_out_of_turn_write_clears_what_was_due() {
        let mut t = SaveThrottle::new(ms(100));
        assert!(t.changed(at(0)));
        assert!(!t.changed(at(10)));
        t.written(at(20));
        assert_eq!(t.poll_timeout(), None);
        assert!(!t.handle_timeout(at(500)));
    }
}
