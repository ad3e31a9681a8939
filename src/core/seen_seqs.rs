//! Which room sequence numbers a chat has already shown, so catch-up and live copies of one
//! message show it once. Arithmetic saturates: a server may send any `u64`.

use std::collections::VecDeque;
use ws_chat_protocol::Seq;

/// Room sequence numbers already shown: everything up to `upto`, plus any seen out of order.
/// `ahead` is sorted: seqs arrive nearly in order, so an insert is almost always at the end, and
/// a sorted deque is much smaller in the wasm than a `BTreeSet`.
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
        self.advance();
    }

    /// The server says everything up to `head` was sent (or is gone from history).
    pub fn caught_up(&mut self, head: Seq) {
        self.upto = Some(self.upto.map_or(head, |u| u.max(head)));
        self.advance();
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
        s.caught_up(3);
        assert_eq!(s.upto, Some(15));
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
