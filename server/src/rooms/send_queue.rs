//! One member's queue of outgoing frames, bounded in bytes.
//!
//! A count bound says little about memory: a thousand 16 KiB messages (up to 96 KiB each once
//! JSON-escaped) is tens of megabytes per stuck reader. This queue holds at most `limit` bytes
//! of frame text. A push that does not fit overflows it for good: it drops what it holds and
//! the connection ends with 1013 (Try Again Later). A reader too slow for the room comes back
//! later and catches up from the history; the room never waits for it.
//!
//! One producer side (the room, under its members lock, never awaiting) and one consumer (the
//! connection task). Frames are reference-counted, so a room message shared by many members is
//! counted against each of them but stored once.
//!
//! Not an outbox: the client's `Outbox` holds messages the server has not acked yet; this
//! holds frames the server has not sent yet.

use crate::sync::lock;
use axum::extract::ws::Utf8Bytes;
use std::collections::VecDeque;
use std::sync::Mutex;
use tokio::sync::Notify;

/// The queue; see the module docs.
#[derive(Debug)]
pub struct SendQueue {
    limit: usize,
    state: Mutex<State>,
    ready: Notify,
}

#[derive(Debug, Default)]
struct State {
    frames: VecDeque<Utf8Bytes>,
    bytes: usize,
    overflowed: bool,
}

/// The queue overflowed: its reader was too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

impl SendQueue {
    /// An empty queue holding at most `limit` bytes.
    pub fn new(limit: usize) -> SendQueue {
        SendQueue {
            limit,
            state: Mutex::default(),
            ready: Notify::new(),
        }
    }

    /// Queues a frame, or overflows the queue if it does not fit (and stays overflowed).
    pub fn push(&self, frame: Utf8Bytes) -> Result<(), Overflow> {
        let mut s = lock(&self.state);
        if s.overflowed {
            return Err(Overflow);
        }
        if s.bytes.saturating_add(frame.len()) > self.limit {
            // Counted here, once: the reader may be stuck in a send for a while yet.
            crate::metrics::overflowed();
            s.overflowed = true;
            s.frames = VecDeque::new();
            s.bytes = 0;
            drop(s);
            self.ready.notify_one();
            return Err(Overflow);
        }
        s.bytes += frame.len();
        s.frames.push_back(frame);
        drop(s);
        self.ready.notify_one();
        Ok(())
    }

    /// The next frame, waiting for one; `Err` once the queue has overflowed. Cancel-safe: a
    /// frame is only taken when it is returned.
    pub async fn pop(&self) -> Result<Utf8Bytes, Overflow> {
        loop {
            {
                let mut s = lock(&self.state);
                if s.overflowed {
                    return Err(Overflow);
                }
                if let Some(frame) = s.frames.pop_front() {
                    s.bytes -= frame.len();
                    return Ok(frame);
                }
            }
            // A push between the check above and this wait leaves a permit: no lost wakeup.
            self.ready.notified().await;
        }
    }

    /// Overflows the queue on purpose: its connection closes with 1013 as if it had been too
    /// slow, and the client reconnects and catches up.
    pub fn overflow(&self) {
        let mut s = lock(&self.state);
        s.overflowed = true;
        s.frames.clear();
        s.bytes = 0;
        drop(s);
        self.ready.notify_one();
    }

    /// Forgets every queued frame (a new catch-up brings them again). An overflowed queue
    /// stays overflowed.
    pub fn clear(&self) {
        let mut s = lock(&self.state);
        s.frames.clear();
        s.bytes = 0;
    }

    /// Bytes queued now.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        lock(&self.state).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn text(n: usize) -> Utf8Bytes {
        Utf8Bytes::from("x".repeat(n))
    }

    #[tokio::test]
    async fn counts_bytes_not_frames() {
        let q = SendQueue::new(100);
        for _ in 0..50 {
            q.push(text(1)).expect("many small frames fit");
        }
        q.push(text(50)).expect("exactly full");
        assert_eq!(q.bytes(), 100);
        assert_eq!(q.pop().await.map(|f| f.len()), Ok(1));
        assert_eq!(q.bytes(), 99);
        q.push(text(1)).expect("room for one byte again");
    }

    #[tokio::test]
    async fn overflow_is_final_and_frees_the_queue() {
        let q = SendQueue::new(10);
        q.push(text(8)).expect("fits");
        assert_eq!(q.push(text(3)), Err(Overflow));
        assert_eq!(q.bytes(), 0);
        assert_eq!(q.push(text(1)), Err(Overflow));
        assert_eq!(q.pop().await, Err(Overflow));
    }

    #[tokio::test]
    async fn pop_waits_for_a_push_and_keeps_order() {
        let q = Arc::new(SendQueue::new(1000));
        let reader = tokio::spawn({
            let q = q.clone();
            async move {
                let a = q.pop().await.expect("a");
                let b = q.pop().await.expect("b");
                (a.as_str().to_owned(), b.as_str().to_owned())
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        q.push(Utf8Bytes::from("a")).expect("push");
        q.push(Utf8Bytes::from("b")).expect("push");
        let got = tokio::time::timeout(Duration::from_secs(5), reader)
            .await
            .expect("in time")
            .expect("reader");
        assert_eq!(got, ("a".to_owned(), "b".to_owned()));
    }

    #[tokio::test]
    async fn a_waiting_reader_learns_of_the_overflow() {
        let q = Arc::new(SendQueue::new(4));
        let reader = tokio::spawn({
            let q = q.clone();
            async move { q.pop().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(q.push(text(5)), Err(Overflow));
        let got = tokio::time::timeout(Duration::from_secs(5), reader)
            .await
            .expect("in time")
            .expect("reader");
        assert_eq!(got, Err(Overflow));
    }

    #[tokio::test]
    async fn clear_empties_without_undoing_an_overflow() {
        let q = SendQueue::new(10);
        q.push(text(6)).expect("fits");
        q.clear();
        assert_eq!(q.bytes(), 0);
        q.push(text(10)).expect("fits again");
        assert_eq!(q.push(text(1)), Err(Overflow));
        q.clear();
        assert_eq!(q.pop().await, Err(Overflow));
    }
}
