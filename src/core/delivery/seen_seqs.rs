//! Which room sequence numbers a chat has already shown, so catch-up and live copies of one
//! message show it once. Arithmetic saturates: a server may send any `u64`.

use std::collections::VecDeque;
use ws_chat_protocol::Seq;

/// Room sequence numbers already shown: everything up to `upto`, plus any seen out of order.
/// `ahead` is sorted: seqs arrive nearly in order, so an insert is almost always at the end, and
/// a sorted deque is much smaller in the wasm than a `BTreeSet`.
/// Out-of-order numbers kept at most; a real server sends them nearly in order.
const MAX_AHEAD: usize = 10_000;

#[derive(Debug, Default)]
pub struct SeenSeqs {
    pub upto: Option<Seq>,
    ahead: VecDeque<Seq>,
}

impl SeenSeqs {
    pub fn contains(&self, seq: Seq) -> bool {
        self.upto.is_some_and(|u| seq <= u) || self.ahead.binary_search(&seq).is_ok()
    }

    pub fn insert(&mut self, seq: Seq) {
        if let Err(at) = self.ahead.binary_search(&seq) {
            self.ahead.insert(at, seq);
        }
        // A server that skips numbers on purpose must not grow this without end: past the
        // cap, the lowest number seen counts as contiguous, as if what is below it had come.
        if self.ahead.len() > MAX_AHEAD {
            self.upto = self.ahead.pop_front().max(self.upto);
        }
        self.advance();
    }

    /// The server says everything up to `head` was sent (or is gone from history). Returns
    /// `false` when `head` is below what was already seen: the server's history started over
    /// (a restart without its file), so its numbers start over too, and everything kept here
    /// is forgotten, or every new message would look like one already shown.
    pub fn caught_up(&mut self, head: Seq) -> bool {
        if self.upto.is_some_and(|u| head < u) {
            self.upto = Some(head);
            self.ahead.clear();
            return false;
        }
        self.upto = Some(self.upto.map_or(head, |u| u.max(head)));
        self.advance();
        true
    }

    fn advance(&mut self) {
        let Some(mut upto) = self.upto else { return };
        while self
            .ahead
            .front()
            .is_some_and(|&s| s <= upto.saturating_add(1))
        {
            if let Some(s) = self.ahead.pop_front() {
                upto = upto.max(s);
            }
        }
        self.upto = Some(upto);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn seen_seqs_track_contiguous_and_out_of_order() {
        let mut s = SeenSeqs::default();
        // Before the first `synced`, everything is "ahead".
        s.insert(7);
        assert!(s.contains(7) && !s.contains(6));
        s.caught_up(5);
        assert_eq!(s.upto, Some(5));
        s.insert(6);
        assert_eq!(s.upto, Some(7));
        s.insert(9);
        assert_eq!(s.upto, Some(7));
        assert!(s.contains(9) && !s.contains(8));
        s.insert(8);
        assert_eq!(s.upto, Some(9));
        assert!(s.ahead.is_empty());
        // A gap: the server says history jumped ahead.
        s.insert(20);
        s.caught_up(15);
        assert_eq!(s.upto, Some(15));
        assert!(s.contains(20) && !s.contains(16));
        assert!(!s.caught_up(3), "history started over");
        assert_eq!(s.upto, Some(3));
        assert!(!s.contains(4) && !s.contains(20));
    }

    #[test]
    fn numbers_skipped_on_purpose_stay_bounded() {
        let mut s = SeenSeqs::default();
        s.caught_up(0);
        for i in 0..30_000u64 {
            s.insert(2 * i + 2);
        }
        assert!(s.ahead.len() <= MAX_AHEAD, "{}", s.ahead.len());
        assert!(s.contains(59_998) && !s.contains(59_999));
    }

    #[test]
    fn the_largest_sequence_numbers_saturate() {
        let mut s = SeenSeqs::default();
        s.caught_up(Seq::MAX);
        s.insert(Seq::MAX);
        s.insert(Seq::MAX - 1);
        assert!(s.contains(Seq::MAX) && s.contains(0));
        let mut s = SeenSeqs::default();
        s.caught_up(Seq::MAX - 1);
        s.insert(Seq::MAX);
        assert_eq!(s.upto, Some(Seq::MAX));
    }
}
