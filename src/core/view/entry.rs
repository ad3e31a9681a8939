//! One line of the message list: a message typed here, one received, or a notice.

use crate::core::text::shorten;
use std::rc::Rc;
use ws_chat_protocol::{Millis, Seq};

/// Where a message typed here is on its way to the room.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutStatus {
    /// Waiting in the outbox for a connection.
    Queued,
    /// Handed to the socket; the server has not confirmed it (a plain server never does).
    Sent,
    /// The server has it in the room's history.
    Delivered,
    /// Never going to be delivered, with the reason shown to the user.
    Failed(String),
}

impl OutStatus {
    /// What the row's meta line says: the status, or `failed: ` and the reason.
    pub fn text(&self) -> String {
        match self {
            OutStatus::Failed(reason) => format!("failed: {reason}"),
            other => other.as_str().to_owned(),
        }
    }

    /// The `data-status` value of the DOM contract.
    pub fn as_str(&self) -> &'static str {
        match self {
            OutStatus::Queued => "queued",
            OutStatus::Sent => "sent",
            OutStatus::Delivered => "delivered",
            OutStatus::Failed(_) => "failed",
        }
    }
}

/// One line of the message list. `key` is unique within a chat and never changes, so the view
/// can keep a row's DOM node when the entry moves or changes status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entry {
    /// Typed here. `id` is the client-made message id. `at` (ms since the epoch) is when it
    /// was typed, until the server's ack says when it was stored.
    Out {
        /// The row's key (see [`Entry::key`]).
        key: u64,
        /// The client-made message id.
        id: Rc<str>,
        /// What was typed.
        text: Rc<str>,
        /// Where it is on its way to the room.
        status: OutStatus,
        /// Its place in the room, once the server has given it one.
        seq: Option<Seq>,
        /// When it was typed, then when the server stored it.
        at: Millis,
    },
    /// Received. `seq` is absent from plain-text peers, `from` from senders without a name.
    /// `at` is the server's time, or the time of receipt when the server gives none.
    In {
        /// The row's key (see [`Entry::key`]).
        key: u64,
        /// The message.
        text: Rc<str>,
        /// Its place in the room.
        seq: Option<Seq>,
        /// The sender's display name.
        from: Option<Rc<str>>,
        /// When it was stored or received.
        at: Millis,
    },
    /// A line about the conversation rather than in it: an error, or missed messages.
    Notice {
        /// The row's key (see [`Entry::key`]).
        key: u64,
        /// What it is about.
        kind: NoticeKind,
        /// What it says.
        text: Rc<str>,
    },
}

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoticeKind {
    /// Something went wrong that the user should know of.
    Error,
    /// History no longer held everything missed while away.
    Gap,
}

impl NoticeKind {
    /// The `data-kind` value of the DOM contract.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Error => "error",
            NoticeKind::Gap => "gap",
        }
    }
}

impl Entry {
    /// Unique within a chat and never changed: a row's identity across renders.
    pub fn key(&self) -> u64 {
        match self {
            Entry::Out { key, .. } | Entry::In { key, .. } | Entry::Notice { key, .. } => *key,
        }
    }

    /// Its place in the room (`None` for a notice, plain text, and ours before its ack).
    pub fn seq(&self) -> Option<Seq> {
        match self {
            Entry::Out { seq, .. } | Entry::In { seq, .. } => *seq,
            Entry::Notice { .. } => None,
        }
    }

    /// What it says: the message's text, or the notice's.
    pub fn text(&self) -> &str {
        match self {
            Entry::Out { text, .. } | Entry::In { text, .. } | Entry::Notice { text, .. } => text,
        }
    }

    /// When it was sent, in ms since the epoch; `None` for a notice.
    pub fn at(&self) -> Option<Millis> {
        match self {
            Entry::Out { at, .. } | Entry::In { at, .. } => Some(*at),
            Entry::Notice { .. } => None,
        }
    }

    /// Typed here and not yet placed in room order: kept at the bottom.
    pub(super) fn is_pending_out(&self) -> bool {
        matches!(self, Entry::Out { seq: None, status, .. } if !matches!(status, OutStatus::Failed(_)))
    }

    /// Typed here and not delivered: on its way, or failed (with Retry and Remove on it).
    pub(super) fn is_undelivered_out(&self) -> bool {
        matches!(self, Entry::Out { status, .. } if *status != OutStatus::Delivered)
    }

    /// Typed here and not yet handed to any socket: still waiting in the outbox.
    pub(super) fn is_queued(&self) -> bool {
        matches!(
            self,
            Entry::Out {
                status: OutStatus::Queued,
                ..
            }
        )
    }
}

/// How much of a message the labels of its "Retry" and "Remove" quote: enough to tell which
/// message a screen reader user is acting on.
pub const QUOTED_IN_LABELS: usize = 30;

/// The accessible names of "Retry" and "Remove" on a failed message, which say which message
/// they act on: `Retry sending “…”`, `Remove “…”`.
pub fn failed_action_labels(text: &str) -> (String, String) {
    let quoted = shorten(text, QUOTED_IN_LABELS);
    (
        format!("Retry sending “{quoted}”"),
        format!("Remove “{quoted}”"),
    )
}

/// `HH:MM`, the time shown on a row (the browser's `Date` gives the local hours and minutes).
pub fn clock_time(hours: u32, minutes: u32) -> String {
    let mut short = String::with_capacity(5);
    for n in [hours, minutes] {
        if !short.is_empty() {
            short.push(':');
        }
        short.push(char::from(b'0' + (n / 10 % 10) as u8));
        short.push(char::from(b'0' + (n % 10) as u8));
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_message_says_why_and_its_actions_say_which() {
        assert_eq!(OutStatus::Delivered.text(), "delivered");
        assert_eq!(
            OutStatus::Failed("too large".into()).text(),
            "failed: too large"
        );
        let long = "a".repeat(31);
        let (retry, remove) = failed_action_labels(&long);
        assert_eq!(retry, format!("Retry sending “{}…”", "a".repeat(30)));
        assert_eq!(remove, format!("Remove “{}…”", "a".repeat(30)));
        assert_eq!(failed_action_labels("hi").1, "Remove “hi”");
    }

    #[test]
    fn clock_times_have_two_digits_each() {
        let cases = [(0, 0, "00:00"), (9, 5, "09:05"), (23, 59, "23:59")];
        for (h, m, want) in cases {
            assert_eq!(clock_time(h, m), want);
        }
    }
}
