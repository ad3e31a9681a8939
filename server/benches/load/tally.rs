//! What the clients saw during a step's measuring window: sends, acks and deliveries, each
//! timed from the send.
//!
//! Every message carries its own send time in its id (`step.connection.n.micros`), in the
//! wschat.v1 `id` and at the start of the text, so an ack or a delivery is timed by whichever
//! connection receives it without a shared map of pending sends. Only messages sent inside
//! the window count, and only those of the current step: leftovers of the step before are
//! not charged to this one.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Instant;

/// The moment all send times are measured from.
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since [`EPOCH`].
pub fn micros_now() -> u64 {
    micros_at(Instant::now())
}

pub fn micros_at(at: Instant) -> u64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(at.saturating_duration_since(epoch).as_micros()).unwrap_or(u64::MAX)
}

/// A message's id, which says when it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageId {
    pub step: u32,
    pub connection: usize,
    pub n: u64,
    pub sent_us: u64,
}

impl MessageId {
    pub fn now(step: u32, connection: usize, n: u64) -> MessageId {
        MessageId {
            step,
            connection,
            n,
            sent_us: micros_now(),
        }
    }

    /// The id at the start of `text`, up to a space or a quote.
    pub fn parse(text: &str) -> Option<MessageId> {
        let end = text.find([' ', '"']).unwrap_or(text.len());
        let mut parts = text[..end].split('.');
        let id = MessageId {
            step: parts.next()?.parse().ok()?,
            connection: parts.next()?.parse().ok()?,
            n: parts.next()?.parse().ok()?,
            sent_us: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(id)
    }

    /// The id of a wschat.v1 `ack` or `msg` frame, found without decoding the JSON: the
    /// clients read tens of thousands of frames a second on the server's machine.
    fn in_envelope(frame: &str) -> Option<MessageId> {
        const KEY: &str = r#""id":""#;
        let at = frame.find(KEY)? + KEY.len();
        MessageId::parse(&frame[at..])
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let MessageId {
            step,
            connection,
            n,
            sent_us,
        } = self;
        write!(f, "{step}.{connection}.{n}.{sent_us}")
    }
}

/// The counts and latencies of one window.
#[derive(Debug, Default)]
pub struct Window {
    step: u32,
    from_us: u64,
    to_us: u64,
    /// Messages sent in the window.
    pub sent: u64,
    /// Acks that arrived in the window, whatever their message: the server's throughput.
    pub acks_arrived: u64,
    /// Send → ack, of the messages sent in the window, in µs.
    pub ack_us: Vec<u64>,
    /// Send → arrival at another member, of the messages sent in the window, in µs.
    pub delivery_us: Vec<u64>,
    /// `error` and `reject` frames, and the first one's text.
    pub refusals: u64,
    pub first_refusal: Option<String>,
}

impl Window {
    fn counts(&self, id: &MessageId) -> bool {
        id.step == self.step && (self.from_us..self.to_us).contains(&id.sent_us)
    }
}

/// Shared by all connections of a swarm.
pub struct Tally {
    room_size: usize,
    window: Mutex<Window>,
    closed: AtomicU64,
}

impl Tally {
    pub fn new(room_size: usize) -> Tally {
        Tally {
            room_size,
            window: Mutex::default(),
            closed: AtomicU64::new(0),
        }
    }

    /// Starts counting messages of `step` sent from `from` until `to`.
    pub fn arm(&self, step: u32, from: Instant, to: Instant) {
        *self.lock() = Window {
            step,
            from_us: micros_at(from),
            to_us: micros_at(to),
            ..Window::default()
        };
    }

    /// Ends the window and hands over what it counted.
    pub fn take(&self) -> Window {
        std::mem::take(&mut *self.lock())
    }

    /// Whether every message sent in the window has been acked (wschat.v1) and delivered to
    /// every other member of its room.
    pub fn complete(&self, wschat: bool) -> bool {
        let w = self.lock();
        let acked = !wschat || w.ack_us.len() as u64 >= w.sent;
        acked && w.delivery_us.len() as u64 >= w.sent * self.others() as u64
    }

    /// Members each message should reach: the room but its sender.
    pub fn others(&self) -> usize {
        self.room_size.saturating_sub(1)
    }

    pub fn sent(&self, id: &MessageId) {
        let mut w = self.lock();
        if w.counts(id) {
            w.sent += 1;
        }
    }

    /// Times one frame from the server.
    pub fn received(&self, frame: &str, wschat: bool) {
        let now = micros_now();
        let mut w = self.lock();
        if !wschat {
            if let Some(id) = MessageId::parse(frame).filter(|id| w.counts(id)) {
                w.delivery_us.push(now.saturating_sub(id.sent_us));
            }
            return;
        }
        let kind = |prefix: &str| frame.starts_with(prefix);
        if kind(r#"{"type":"ack""#) {
            if (w.from_us..w.to_us).contains(&now) {
                w.acks_arrived += 1;
            }
            if let Some(id) = MessageId::in_envelope(frame).filter(|id| w.counts(id)) {
                w.ack_us.push(now.saturating_sub(id.sent_us));
            }
        } else if kind(r#"{"type":"msg""#) {
            if let Some(id) = MessageId::in_envelope(frame).filter(|id| w.counts(id)) {
                w.delivery_us.push(now.saturating_sub(id.sent_us));
            }
        } else if kind(r#"{"type":"error""#) || kind(r#"{"type":"reject""#) {
            w.refusals += 1;
            if w.first_refusal.is_none() {
                w.first_refusal = Some(frame.chars().take(160).collect());
            }
        }
    }

    /// A connection ended (the server closed it, or it failed).
    pub fn closed(&self) {
        self.closed.fetch_add(1, Ordering::Relaxed);
    }

    /// Connections that ended so far.
    pub fn closed_count(&self) -> u64 {
        self.closed.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Window> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The `p` quantile (0–1) of `samples` out of `expected`: samples that never arrived count
/// as slower than all that did, so `None` means the quantile is among the missing.
pub fn quantile(samples: &mut [u64], expected: u64, p: f64) -> Option<u64> {
    if expected == 0 {
        return None;
    }
    samples.sort_unstable();
    let rank = ((p * expected as f64).ceil() as usize).max(1);
    samples.get(rank - 1).copied()
}
