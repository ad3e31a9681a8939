//! When to ping a quiet peer, and when to give up on it (sans-IO: it only does arithmetic on
//! the instants it is given).
//!
//! A peer whose machine slept, whose network vanished or whose NAT forgot the mapping sends
//! nothing and reads nothing, and TCP may not notice for many minutes. After `interval` with
//! nothing heard, the server sends a WebSocket Ping; browsers answer it by themselves, even in
//! a background tab. Any frame from the peer counts as alive. After `timeout` more without a
//! frame the peer counts as dead and the connection ends, so a dead peer lasts at most
//! `interval + timeout`.

use std::time::Duration;
use tokio::time::Instant;

/// A deadline too far away to compute stands for "never": about 30 years, as tokio's own
/// timers do.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// What is due when [`Keepalive::deadline`] has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing yet (the peer was heard since the deadline was set).
    Nothing,
    /// Send a Ping.
    Ping,
    /// No frame for `interval + timeout`: end the connection.
    Dead,
}

/// The keepalive state of one connection.
#[derive(Debug, Clone)]
pub struct Keepalive {
    interval: Duration,
    timeout: Duration,
    last_heard: Instant,
    pinged: bool,
    /// When the Ping went out, while it is unanswered.
    pinged_at: Option<Instant>,
}

impl Keepalive {
    pub fn new(now: Instant, interval: Duration, timeout: Duration) -> Keepalive {
        Keepalive {
            interval,
            timeout,
            last_heard: now,
            pinged: false,
            pinged_at: None,
        }
    }

    /// A frame arrived from the peer; returns the round trip when it is the first since a
    /// Ping (any frame counts as the answer, so this is an upper bound on the Pong's).
    pub fn heard(&mut self, now: Instant) -> Option<Duration> {
        self.last_heard = now;
        self.pinged = false;
        self.pinged_at
            .take()
            .map(|at| now.saturating_duration_since(at))
    }

    /// When [`Keepalive::due`] may next have something to do. Hearing from the peer moves it
    /// later, so a timer set to it may fire early; `due` then says [`Due::Nothing`].
    ///
    /// The flags are capped (at a day, `MAX_DURATION` in `config/duration.rs`), but
    /// `Instant + Duration` panics on overflow and this runs in every connection, so the sum
    /// is checked anyway.
    pub fn deadline(&self) -> Instant {
        let wait = if self.pinged {
            self.interval.saturating_add(self.timeout)
        } else {
            self.interval
        };
        self.last_heard
            .checked_add(wait)
            .or_else(|| self.last_heard.checked_add(FAR_FUTURE))
            // No clock gets here: 30 years past any monotonic instant still fits.
            .unwrap_or(self.last_heard)
    }

    /// What is due at `now`. Reports [`Due::Ping`] once per quiet spell.
    pub fn due(&mut self, now: Instant) -> Due {
        if now < self.deadline() {
            Due::Nothing
        } else if self.pinged {
            Due::Dead
        } else {
            self.pinged = true;
            self.pinged_at = Some(now);
            Due::Ping
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_silent_peer_is_pinged_then_declared_dead() {
        let t0 = Instant::now();
        let mut k = Keepalive::new(t0, 20 * S, 20 * S);
        assert_eq!(k.deadline(), t0 + 20 * S);
        assert_eq!(k.due(t0 + 19 * S), Due::Nothing);
        assert_eq!(k.due(t0 + 20 * S), Due::Ping);
        assert_eq!(k.deadline(), t0 + 40 * S);
        assert_eq!(k.due(t0 + 30 * S), Due::Nothing);
        assert_eq!(k.due(t0 + 40 * S), Due::Dead);
    }

    #[test]
    fn any_frame_resets_the_clock_and_the_ping() {
        let t0 = Instant::now();
        let mut k = Keepalive::new(t0, 20 * S, 20 * S);
        assert_eq!(k.heard(t0 + 10 * S), None, "no Ping out yet");
        assert_eq!(k.due(t0 + 30 * S), Due::Ping);
        assert_eq!(k.heard(t0 + 35 * S), Some(5 * S), "the Ping's round trip");
        assert_eq!(k.heard(t0 + 36 * S), None, "counted once");
        k.heard(t0 + 25 * S);
        assert_eq!(k.deadline(), t0 + 45 * S);
        // The timer set for the old deadline fires early: nothing to do.
        assert_eq!(k.due(t0 + 40 * S), Due::Nothing);
        assert_eq!(k.due(t0 + 45 * S), Due::Ping);
        assert_eq!(k.due(t0 + 65 * S), Due::Dead);
    }

    #[test]
    fn durations_too_long_to_add_mean_never() {
        let t0 = Instant::now();
        let mut k = Keepalive::new(t0, Duration::MAX, Duration::MAX);
        assert!(k.deadline() >= t0 + FAR_FUTURE);
        assert_eq!(k.due(t0 + 365 * 24 * 3600 * S), Due::Nothing);
        let mut k = Keepalive::new(t0, S, Duration::MAX);
        assert_eq!(k.due(t0 + S), Due::Ping);
        assert!(k.deadline() >= t0 + FAR_FUTURE);
        assert_eq!(k.due(t0 + 365 * 24 * 3600 * S), Due::Nothing);
    }

    #[test]
    fn a_dead_peer_is_found_within_interval_plus_timeout() {
        let t0 = Instant::now();
        let mut k = Keepalive::new(t0, 20 * S, 20 * S);
        let mut now = t0;
        while k.due(now) != Due::Dead {
            now = k.deadline();
        }
        assert_eq!(now - t0, 40 * S);
        assert!(now - t0 < 60 * S);
    }
}
