//! One line of the message list: a message typed here, one received, or a notice.

use std::rc::Rc;
use ws_chat_protocol::{Millis, Seq};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutStatus {
    Queued,
    Sent,
    Delivered,
    /// Never going to be delivered, with the reason shown to the user.
    Failed(String),
}

impl OutStatus {
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
pub enum Entry {
    /// Typed here. `id` is the client-made message id. `at` (ms since the epoch) is when it
    /// was typed, until the server's ack says when it was stored.
    Out {
        key: u64,
        id: Rc<str>,
        text: Rc<str>,
        status: OutStatus,
        seq: Option<Seq>,
        at: Millis,
    },
    /// Received. `seq` is absent from plain-text peers, `from` from senders without a name.
    /// `at` is the server's time, or the time of receipt when the server gives none.
    In {
        key: u64,
        text: Rc<str>,
        seq: Option<Seq>,
        from: Option<Rc<str>>,
        at: Millis,
    },
    /// A line about the conversation rather than in it: an error, or missed messages.
    Notice {
        key: u64,
        kind: NoticeKind,
        text: Rc<str>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    /// History no longer held everything missed while away.
    Gap,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Error => "error",
            NoticeKind::Gap => "gap",
        }
    }
}

impl Entry {
    pub fn key(&self) -> u64 {
        match self {
            Entry::Out { key, .. } | Entry::In { key, .. } | Entry::Notice { key, .. } => *key,
        }
    }

    pub(super) fn seq(&self) -> Option<Seq> {
        match self {
            Entry::Out { seq, .. } | Entry::In { seq, .. } => *seq,
            Entry::Notice { .. } => None,
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
