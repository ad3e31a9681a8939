//! What follows a lost connection or failed attempt: stop, or when and where to try again.

use super::close_code::CloseAction;
use super::failover::Wait;
use super::{Phase, Reconnect, StopReason};
use crate::core::time::{duration_from_secs_f64, Moment};
use std::time::Duration;
use ws_chat_protocol::close_code::{restart_delay_ms, SERVICE_RESTART};

impl Reconnect {
    pub(super) fn lost(&mut self, code: u16, reason: String, now: Moment) {
        if self.config.close_policy.action(code) == CloseAction::Stop {
            self.rotation_lost();
            self.deadline = None;
            self.stop(StopReason::Refused { code, reason });
            return;
        }
        if code == SERVICE_RESTART {
            self.restarting(reason, now);
            return;
        }
        self.lost_anyway(code, reason, now);
    }

    /// The server closed with 1012 (service restart): come back after the delay its reason
    /// names, or a random one up to `restart_spread`, to the next server first. A stable
    /// connection's restart is no failure and starts the backoff afresh; one that was not
    /// stable yet counts as a failed attempt, so a server that keeps saying "restarting" at
    /// once is backed off from like any other.
    fn restarting(&mut self, reason: String, now: Moment) {
        let spread = match restart_delay_ms(&reason) {
            Some(ms) => Duration::from_millis(ms),
            None => duration_from_secs_f64(
                self.config.restart_spread.as_secs_f64() * self.rng.next_f64(),
            ),
        };
        let wait = if self.established() {
            self.rotation.restarting();
            self.failures = 0;
            None
        } else {
            Some(self.rotation.attempt_failed())
        };
        self.retry_after(wait, spread, SERVICE_RESTART, reason, now);
    }

    /// Counts a lost connection (or a failed attempt) against the rotation.
    pub(super) fn rotation_lost(&mut self) -> Wait {
        if self.established() {
            self.rotation.established_lost()
        } else {
            self.rotation.attempt_failed()
        }
    }

    /// A failed attempt or lost connection that is retried, whatever its code.
    pub(super) fn lost_anyway(&mut self, code: u16, reason: String, now: Moment) {
        let wait = self.rotation_lost();
        self.retry_after(Some(wait), Duration::ZERO, code, reason, now);
    }

    /// Schedules the next attempt after `wait` (none: no hop or backoff of its own) and at
    /// least `least`, unless the browser is offline or the attempts are used up.
    fn retry_after(
        &mut self,
        wait: Option<Wait>,
        least: Duration,
        code: u16,
        reason: String,
        now: Moment,
    ) {
        self.deadline = None;
        self.failures = self.failures.saturating_add(1);
        if !self.online {
            self.phase = Phase::Offline;
            return;
        }
        if let Some(max) = self.config.max_attempts {
            if self.failures > max {
                self.stop(StopReason::GaveUp { attempts: max });
                return;
            }
        }
        let delay = match wait {
            None => Duration::ZERO,
            Some(Wait::Hop) => self.config.hop_delay,
            Some(Wait::Backoff { rounds }) => {
                self.config.backoff.delay(rounds, self.rng.next_f64())
            }
        }
        .max(least);
        self.phase = Phase::Waiting {
            attempt: self.failures,
            retry_at: now.saturating_add(delay),
            last_close: Some((code, reason)),
        };
    }
}
