//! Messages typed here that the server has not confirmed yet, in the order they were typed.
//!
//! Bounded, so a long outage cannot eat the tab's memory; an overflow is reported to the caller
//! (and shown on the message) instead of dropping anything silently.

use crate::core::boundary::SavedMessage;
use std::collections::VecDeque;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    message: SavedMessage,
    /// Handed to the current socket; cleared when that socket ends, so it is sent again.
    sent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxFull {
    pub capacity: usize,
}

impl fmt::Display for OutboxFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "outbox full: {} messages already waiting", self.capacity)
    }
}

#[derive(Debug, Clone)]
pub struct Outbox {
    pending: VecDeque<Pending>,
    capacity: usize,
}

impl Outbox {
    pub fn new(capacity: usize) -> Self {
        Self {
            pending: VecDeque::new(),
            capacity,
        }
    }

    pub fn push(&mut self, message: SavedMessage) -> Result<(), OutboxFull> {
        if self.pending.len() >= self.capacity {
            return Err(OutboxFull {
                capacity: self.capacity,
            });
        }
        self.pending.push_back(Pending {
            message,
            sent: false,
        });
        Ok(())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.pending.iter().any(|e| e.message.id == id)
    }

    /// Removes a confirmed (or removed) message; `false` if it was not waiting.
    pub fn remove(&mut self, id: &str) -> bool {
        self.take(id).is_some()
    }

    /// Removes a message and hands it back (a rejected one is kept for "Retry").
    pub fn take(&mut self, id: &str) -> Option<SavedMessage> {
        let i = self.pending.iter().position(|e| e.message.id == id)?;
        self.pending.remove(i).map(|e| e.message)
    }

    /// Marks every message not yet handed to the current socket as handed over, oldest first.
    pub fn take_unsent(&mut self) -> Vec<SavedMessage> {
        self.pending
            .iter_mut()
            .filter(|e| !e.sent)
            .map(|e| {
                e.sent = true;
                e.message.clone()
            })
            .collect()
    }

    /// The socket ended: everything is unsent again. Returns the ids that had been sent.
    pub fn socket_lost(&mut self) -> Vec<String> {
        self.pending
            .iter_mut()
            .filter_map(|e| std::mem::take(&mut e.sent).then(|| e.message.id.clone()))
            .collect()
    }

    /// The server could not store `id`: it waits to be sent again. `false` if it was not
    /// waiting for an answer (already confirmed, or never sent on this socket).
    pub fn requeue(&mut self, id: &str) -> bool {
        match self.pending.iter_mut().find(|e| e.message.id == id) {
            Some(e) => std::mem::take(&mut e.sent),
            None => false,
        }
    }

    /// Drops what was handed over; for a plain peer, which never confirms anything.
    pub fn drain_sent(&mut self) {
        self.pending.retain(|e| !e.sent);
    }

    pub fn snapshot(&self) -> Vec<SavedMessage> {
        self.pending.iter().map(|e| e.message.clone()).collect()
    }
}

// Native only, as the rest of the core's tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::delivery::test_messages::{ids, msg};

    #[test]
    fn bounded_and_overflow_is_an_error() {
        let mut o = Outbox::new(2);
        assert_eq!(o.push(msg("a")), Ok(()));
        assert_eq!(o.push(msg("b")), Ok(()));
        let err = o.push(msg("c")).expect_err("full");
        assert_eq!(err.to_string(), "outbox full: 2 messages already waiting");
        assert_eq!(ids(&o.snapshot()), ["a", "b"]);
        assert!(o.remove("a"));
        assert_eq!(o.push(msg("c")), Ok(()));
    }

    #[test]
    fn sends_in_order_once_per_socket_and_again_after_a_loss() {
        let mut o = Outbox::new(10);
        for id in ["a", "b", "c"] {
            o.push(msg(id)).expect("room");
        }
        assert_eq!(ids(&o.take_unsent()), ["a", "b", "c"]);
        assert!(o.take_unsent().is_empty());
        o.push(msg("d")).expect("room");
        assert_eq!(ids(&o.take_unsent()), ["d"]);
        assert!(o.remove("b"));
        assert!(!o.remove("b"));
        assert_eq!(o.socket_lost(), ["a", "c", "d"]);
        assert_eq!(ids(&o.take_unsent()), ["a", "c", "d"]);
    }

    #[test]
    fn plain_peers_drop_what_was_handed_over() {
        let mut o = Outbox::new(10);
        o.push(msg("a")).expect("room");
        o.take_unsent();
        o.push(msg("b")).expect("room");
        o.drain_sent();
        assert_eq!(ids(&o.snapshot()), ["b"]);
        assert!(o.contains("b") && !o.contains("a"));
    }
}
