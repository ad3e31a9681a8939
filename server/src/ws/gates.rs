//! How often one connection's `typing` reaches the room, and its `read` the store. Sans-IO:
//! the time is passed in. What a gate holds back is dropped, never answered.
//!
//! Typing: a client sends `typing {active: true}` at most every [`TYPING_REPEAT_MS`] while its user
//! types, and `false` once when they stop. The gate relays a start at most once per
//! [`MIN_START_GAP_MS`] and a stop only after a start, so however fast a client sends, the room
//! hears at most two typing frames a second from it. What the gate holds back is dropped, not
//! answered: a receiver expires a typer anyway, and the next repeat gets through.

use ws_chat_protocol::Millis;
#[cfg(doc)]
use ws_chat_protocol::TYPING_REPEAT_MS;

/// The shortest time between two starts the room hears from one connection.
pub const MIN_START_GAP_MS: Millis = 1_000;

/// Both gates of one connection.
#[derive(Debug, Default)]
pub struct Gates {
    pub typing: TypingGate,
    pub read: ReadGate,
}

/// The shortest time between two read positions stored for one connection: a client moves it
/// at most twice a second, so an honest one is never held back.
pub const MIN_READ_GAP_MS: Millis = 250;

/// One connection's read position, as far as the store was told: each one stored moves
/// forward, and they are spaced, so a flood of `read` costs the store a few writes a second.
#[derive(Debug, Default)]
pub struct ReadGate {
    last: Option<(u64, Millis)>,
}

impl ReadGate {
    /// Whether `read {seq}` at `now` goes on to the store.
    pub fn admit(&mut self, seq: u64, now: Millis) -> bool {
        let due = match self.last {
            None => true,
            Some((last, at)) => seq > last && now.saturating_sub(at) >= MIN_READ_GAP_MS,
        };
        if due {
            self.last = Some((seq, now));
        }
        due
    }
}

/// One connection's typing, as far as the room was told.
#[derive(Debug, Default)]
pub struct TypingGate {
    /// When the room last heard a start from it.
    last_start: Option<Millis>,
    /// The room was last told it is typing.
    typing: bool,
}

impl TypingGate {
    /// Whether `typing {active}` at `now` goes on to the room.
    pub fn admit(&mut self, active: bool, now: Millis) -> bool {
        if !active {
            return std::mem::replace(&mut self.typing, false);
        }
        if self
            .last_start
            .is_some_and(|at| now.saturating_sub(at) < MIN_START_GAP_MS)
        {
            return false;
        }
        self.last_start = Some(now);
        self.typing = true;
        true
    }

    /// A message was sent: its sender stopped typing, whether or not it says so.
    pub fn sent(&mut self) -> bool {
        std::mem::replace(&mut self.typing, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_spaced_and_a_stop_follows_only_a_start() {
        let mut gate = TypingGate::default();
        // (time, active, relayed)
        let steps = [
            (0, false, false),
            (0, true, true),
            (10, true, false),
            (20, false, true),
            (30, false, false),
            (40, true, false),
            (999, true, false),
            (1_000, true, true),
            (4_000, true, true),
            (4_100, false, true),
        ];
        for (i, (at, active, relayed)) in steps.into_iter().enumerate() {
            assert_eq!(gate.admit(active, at), relayed, "step {i} at {at} ms");
        }
    }

    #[test]
    fn a_flood_reaches_the_room_at_most_twice_a_second() {
        let mut gate = TypingGate::default();
        let relayed = (0..10_000u64)
            .filter(|&i| gate.admit(i % 2 == 0, i))
            .count();
        // 10 s of a frame every millisecond: one start and one stop per second.
        assert_eq!(relayed, 20);
    }

    #[test]
    fn read_positions_only_move_forward_and_are_spaced() {
        let mut gate = ReadGate::default();
        // (time, seq, stored)
        let steps = [
            (0, 5, true),
            (100, 9, false),
            (300, 4, false),
            (300, 9, true),
            (300, 12, false),
            (600, 12, true),
            (10_000, 12, false),
        ];
        for (i, (at, seq, stored)) in steps.into_iter().enumerate() {
            assert_eq!(gate.admit(seq, at), stored, "step {i} at {at} ms");
        }
    }

    #[test]
    fn sending_a_message_ends_typing_once() {
        let mut gate = TypingGate::default();
        assert!(!gate.sent());
        assert!(gate.admit(true, 0));
        assert!(gate.sent());
        assert!(!gate.sent());
        assert!(!gate.admit(false, 10));
    }
}
