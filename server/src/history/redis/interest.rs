//! Which rooms this server listens to on the fan-out: each room has channels of its own, and a
//! server subscribes to them while it holds the room (from its first local member to its last),
//! so a server decodes only the messages of its own rooms, however many servers and rooms
//! share the Redis.
//!
//! The registry says when a room opens and closes here ([`Interest::Join`], [`Interest::Leave`],
//! sent without waiting); a connection asks [`Interest::Ready`] before it relies on live
//! delivery, and is answered once the room's subscription is in place. One task (the
//! fan-out's) takes them in order, so a room that closes and opens again is unsubscribed and
//! subscribed again in that order. [`Listening`] is that task's bookkeeping, without I/O.
//!
//! A room that closes keeps its subscription for [`UNSUBSCRIBE_GRACE`]: one that fills again
//! within it (a reload, a member's reconnect) goes on with the same subscription, instead of an
//! unsubscribe and a subscribe whose stale messages, still on their way from the old one, would
//! reach the new room and look like a broken sequence.

use crate::history::error::StoreError;
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// What the fan-out task is asked, in order.
#[derive(Debug)]
pub enum Interest {
    /// A room opened here.
    Join(String),
    /// A room closed here.
    Leave(String),
    /// Is the room's subscription in place? Answered once it is, or with why not.
    Ready(String, oneshot::Sender<Result<(), StoreError>>),
}

/// The sending side, held by the store; the receiving side is taken once by the fan-out task.
#[derive(Clone)]
pub struct Interests {
    tx: mpsc::UnboundedSender<Interest>,
    rx: Arc<Mutex<Option<mpsc::UnboundedReceiver<Interest>>>>,
}

impl Default for Interests {
    fn default() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Interests {
            tx,
            rx: Arc::new(Mutex::new(Some(rx))),
        }
    }
}

impl Interests {
    pub fn send(&self, interest: Interest) {
        // Only fails once the fan-out task is gone, when the server is stopping.
        let _ = self.tx.send(interest);
    }

    /// The receiving side, for the one fan-out task.
    pub fn take(&self) -> Option<mpsc::UnboundedReceiver<Interest>> {
        lock(&self.rx).take()
    }
}

/// What the fan-out must do about an interest.
#[derive(Debug)]
pub enum Change {
    Subscribe(String),
    /// Answer a [`Interest::Ready`].
    Answer(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
    Nothing,
}

/// How long a closed room's subscription is kept before it is dropped.
pub const UNSUBSCRIBE_GRACE: Duration = Duration::from_secs(5);

/// The rooms open here, each with how many times it was joined and not yet left (the
/// registry sends one join and one leave per room it opens and closes; the count keeps a
/// stray message from unbalancing the subscriptions), and the closed rooms still subscribed.
#[derive(Debug, Default)]
pub struct Listening {
    rooms: HashMap<String, usize>,
    /// Closed rooms whose subscription is kept until the given time.
    closing: HashMap<String, Instant>,
}

impl Listening {
    /// What `interest` changes at `now`; `subscribed`: whether the fan-out is up, so that a
    /// new room can be subscribed now (when it is not, every open room is subscribed when it
    /// comes back).
    pub fn apply(&mut self, interest: Interest, subscribed: bool, now: Instant) -> Change {
        match interest {
            Interest::Join(room) => {
                let joins = self.rooms.entry(room.clone()).or_insert(0);
                *joins += 1;
                let kept = self.closing.remove(&room).is_some();
                if *joins == 1 && subscribed && !kept {
                    Change::Subscribe(room)
                } else {
                    Change::Nothing
                }
            }
            Interest::Leave(room) => match self.rooms.get_mut(&room) {
                Some(joins) if *joins > 1 => {
                    *joins -= 1;
                    Change::Nothing
                }
                Some(_) => {
                    self.rooms.remove(&room);
                    if subscribed {
                        self.closing.insert(room, now + UNSUBSCRIBE_GRACE);
                    }
                    Change::Nothing
                }
                None => Change::Nothing,
            },
            Interest::Ready(room, answer) => {
                let outcome = if !subscribed {
                    Err(StoreError::new("redis: not subscribed; try again later"))
                } else if self.rooms.contains_key(&room) {
                    Ok(())
                } else {
                    Err(StoreError::new("redis: the room is not open here"))
                };
                Change::Answer(answer, outcome)
            }
        }
    }

    /// Every open room, for a subscription starting over.
    pub fn rooms(&self) -> impl Iterator<Item = &str> {
        self.rooms.keys().map(String::as_str)
    }

    /// The subscription was lost: nothing is subscribed any more, closed rooms included.
    pub fn lost(&mut self) {
        self.closing.clear();
    }

    /// When the next closed room's subscription is due to go.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.closing.values().min().copied()
    }

    /// The closed rooms whose grace ran out by `now`: to unsubscribe.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<String> {
        let due: Vec<String> = self
            .closing
            .iter()
            .filter(|(_, &until)| until <= now)
            .map(|(room, _)| room.clone())
            .collect();
        for room in &due {
            self.closing.remove(room);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(
        l: &mut Listening,
        room: &str,
        subscribed: bool,
        now: Instant,
    ) -> Result<(), StoreError> {
        let (tx, mut rx) = oneshot::channel();
        match l.apply(Interest::Ready(room.into(), tx), subscribed, now) {
            Change::Answer(answer, outcome) => {
                let _ = answer.send(outcome);
            }
            other => panic!("{other:?}"),
        }
        rx.try_recv().expect("answered")
    }

    fn show(change: Change) -> String {
        match change {
            Change::Subscribe(r) => format!("+{r}"),
            Change::Answer(..) => "answer".into(),
            Change::Nothing => String::new(),
        }
    }

    fn join(room: &str) -> Interest {
        Interest::Join(room.into())
    }

    fn leave(room: &str) -> Interest {
        Interest::Leave(room.into())
    }

    #[test]
    fn a_room_is_subscribed_from_its_first_join_until_a_grace_after_its_last_leave() {
        let t0 = Instant::now();
        let mut l = Listening::default();
        let steps = [
            (join("a"), "+a"),
            (join("b"), "+b"),
            (join("a"), ""),
            (leave("a"), ""),
            (leave("a"), ""),
            (leave("a"), ""),
        ];
        for (i, (interest, want)) in steps.into_iter().enumerate() {
            assert_eq!(show(l.apply(interest, true, t0)), want, "step {i}");
        }
        assert_eq!(l.poll_timeout(), Some(t0 + UNSUBSCRIBE_GRACE));
        assert!(l.handle_timeout(t0 + UNSUBSCRIBE_GRACE / 2).is_empty());
        assert_eq!(l.handle_timeout(t0 + UNSUBSCRIBE_GRACE), ["a"]);
        assert_eq!(l.poll_timeout(), None);
        // Gone for good: a new join subscribes again.
        assert_eq!(show(l.apply(join("a"), true, t0 + UNSUBSCRIBE_GRACE)), "+a");
        let mut open: Vec<&str> = l.rooms().collect();
        open.sort_unstable();
        assert_eq!(open, ["a", "b"]);
        assert_eq!(ready(&mut l, "a", true, t0), Ok(()));
        assert!(ready(&mut l, "c", true, t0).is_err(), "not open here");
    }

    #[test]
    fn a_room_filling_again_within_the_grace_keeps_its_subscription() {
        let t0 = Instant::now();
        let mut l = Listening::default();
        assert_eq!(show(l.apply(join("a"), true, t0)), "+a");
        assert_eq!(show(l.apply(leave("a"), true, t0)), "");
        assert_eq!(
            show(l.apply(join("a"), true, t0 + UNSUBSCRIBE_GRACE / 2)),
            ""
        );
        assert_eq!(l.poll_timeout(), None, "nothing to unsubscribe");
        assert!(l.handle_timeout(t0 + 2 * UNSUBSCRIBE_GRACE).is_empty());
        assert_eq!(ready(&mut l, "a", true, t0), Ok(()));
    }

    #[test]
    fn while_the_fan_out_is_down_rooms_are_counted_and_nobody_is_told_ready() {
        let t0 = Instant::now();
        let mut l = Listening::default();
        assert_eq!(show(l.apply(join("a"), false, t0)), "");
        assert_eq!(show(l.apply(join("b"), false, t0)), "");
        assert_eq!(show(l.apply(leave("b"), false, t0)), "");
        assert_eq!(l.poll_timeout(), None, "nothing subscribed to keep");
        assert!(ready(&mut l, "a", false, t0).is_err());
        // Back up: "a" is among the rooms subscribed again, "b" is not.
        assert_eq!(l.rooms().collect::<Vec<_>>(), ["a"]);
        assert_eq!(ready(&mut l, "a", true, t0), Ok(()));
    }

    #[test]
    fn a_lost_subscription_forgets_the_closed_rooms() {
        let t0 = Instant::now();
        let mut l = Listening::default();
        l.apply(join("a"), true, t0);
        l.apply(leave("a"), true, t0);
        l.lost();
        assert_eq!(l.poll_timeout(), None);
        assert_eq!(show(l.apply(join("a"), false, t0)), "");
        assert_eq!(l.rooms().collect::<Vec<_>>(), ["a"]);
    }
}
