//! What the chat shows, as a value: the connection phase and the message list.
//!
//! `apply` is the whole of the reducer's logic; the Yew `Reducible` wrapper only clones and
//! calls it, so every display rule (room order, no duplicates, queued messages last) is tested
//! natively.

use super::reconnect::{Phase, StopReason};
use std::rc::Rc;
use ws_chat_protocol::Seq;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Typed here. `id` is the client-made message id.
    Out {
        id: Rc<str>,
        text: Rc<str>,
        status: OutStatus,
        seq: Option<Seq>,
    },
    /// Received. `seq` is absent from plain-text peers.
    In {
        key: u64,
        text: Rc<str>,
        seq: Option<Seq>,
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
    fn seq(&self) -> Option<Seq> {
        match self {
            Entry::Out { seq, .. } | Entry::In { seq, .. } => *seq,
            Entry::Notice { .. } => None,
        }
    }

    /// Typed here and not yet placed in room order: kept at the bottom.
    fn is_pending_out(&self) -> bool {
        matches!(self, Entry::Out { seq: None, status, .. } if !matches!(status, OutStatus::Failed(_)))
    }
}

/// What the connection line says besides the phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// `ws.protocol`; empty for a plain server.
    pub protocol: String,
    /// `ws.extensions`.
    pub extensions: String,
}

/// Delivery counters, for the curious and for the chaos tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Message frames handed to a socket, resends included.
    pub sent: u64,
    /// Messages the server confirmed.
    pub delivered: u64,
    /// Messages or acks received a second time and not shown again.
    pub duplicates: u64,
    /// Catch-ups that could not cover everything missed.
    pub gaps: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatAction {
    Phase(Phase),
    Details(Option<Details>),
    Stats(Stats),
    /// A configuration problem (such as an invalid URL) that prevents connecting.
    Fatal(String),
    Outgoing {
        id: Rc<str>,
        text: Rc<str>,
        status: OutStatus,
    },
    Status {
        id: Rc<str>,
        status: OutStatus,
        seq: Option<Seq>,
    },
    Incoming {
        seq: Option<Seq>,
        text: Rc<str>,
    },
    Notice {
        kind: NoticeKind,
        text: Rc<str>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatState {
    pub phase: Phase,
    pub details: Option<Details>,
    pub stats: Stats,
    pub fatal: Option<String>,
    pub entries: Vec<Entry>,
    next_key: u64,
}

impl Default for ChatState {
    fn default() -> Self {
        Self {
            phase: Phase::Stopped(StopReason::User),
            details: None,
            stats: Stats::default(),
            fatal: None,
            entries: Vec::new(),
            next_key: 0,
        }
    }
}

impl ChatState {
    pub fn apply(&mut self, action: ChatAction) {
        match action {
            ChatAction::Phase(phase) => self.phase = phase,
            ChatAction::Details(details) => self.details = details,
            ChatAction::Stats(stats) => self.stats = stats,
            ChatAction::Fatal(message) => self.fatal = Some(message),
            ChatAction::Outgoing { id, text, status } => {
                self.entries.push(Entry::Out {
                    id,
                    text,
                    status,
                    seq: None,
                });
            }
            ChatAction::Status { id, status, seq } => self.set_status(&id, status, seq),
            ChatAction::Incoming { seq, text } => {
                let key = self.key();
                self.place(Entry::In { key, text, seq });
            }
            ChatAction::Notice { kind, text } => {
                let key = self.key();
                self.place(Entry::Notice { key, kind, text });
            }
        }
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    fn set_status(&mut self, id: &str, status: OutStatus, seq: Option<Seq>) {
        let Some(i) = self
            .entries
            .iter()
            .position(|e| matches!(e, Entry::Out { id: own, .. } if &**own == id))
        else {
            return;
        };
        let Entry::Out {
            status: s,
            seq: old,
            ..
        } = &mut self.entries[i]
        else {
            return;
        };
        *s = status;
        if seq.is_some() && *old != seq {
            *old = seq;
            let entry = self.entries.remove(i);
            self.place(entry);
        }
    }

    /// A room message goes in room order, before any later one and above messages still
    /// pending, and is never shown twice; anything else (plain text, notices) is appended.
    fn place(&mut self, entry: Entry) {
        let Some(seq) = entry.seq() else {
            self.entries.push(entry);
            return;
        };
        if self.entries.iter().rev().any(|e| e.seq() == Some(seq)) {
            return;
        }
        let mut at = self.entries.len();
        while at > 0 {
            let before = &self.entries[at - 1];
            let later = before.seq().is_some_and(|b| b > seq);
            if before.is_pending_out() || later {
                at -= 1;
            } else {
                break;
            }
        }
        self.entries.insert(at, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(id: &str) -> ChatAction {
        ChatAction::Outgoing {
            id: id.into(),
            text: id.into(),
            status: OutStatus::Queued,
        }
    }

    fn ack(id: &str, seq: Seq) -> ChatAction {
        ChatAction::Status {
            id: id.into(),
            status: OutStatus::Delivered,
            seq: Some(seq),
        }
    }

    fn incoming(seq: Option<Seq>, text: &str) -> ChatAction {
        ChatAction::Incoming {
            seq,
            text: text.into(),
        }
    }

    fn texts(s: &ChatState) -> Vec<String> {
        s.entries
            .iter()
            .map(|e| match e {
                Entry::Out { text, status, .. } => format!("{text}:{}", status.as_str()),
                Entry::In { text, .. } => text.to_string(),
                Entry::Notice { kind, .. } => format!("[{}]", kind.as_str()),
            })
            .collect()
    }

    fn run(actions: Vec<ChatAction>) -> Vec<String> {
        let mut s = ChatState::default();
        for a in actions {
            s.apply(a);
        }
        texts(&s)
    }

    #[test]
    fn display_rules() {
        let cases: Vec<(&str, Vec<ChatAction>, Vec<&str>)> = vec![
            (
                "plain messages append",
                vec![incoming(None, "a"), out("b"), incoming(None, "c")],
                vec!["a", "b:queued", "c"],
            ),
            (
                "room order whatever the arrival order",
                vec![
                    incoming(Some(3), "c"),
                    incoming(Some(1), "a"),
                    incoming(Some(2), "b"),
                ],
                vec!["a", "b", "c"],
            ),
            (
                "a room message is never shown twice",
                vec![
                    incoming(Some(1), "a"),
                    incoming(Some(2), "b"),
                    incoming(Some(1), "a"),
                    incoming(Some(2), "b"),
                ],
                vec!["a", "b"],
            ),
            (
                "pending messages stay last until acked, then take their room place",
                vec![
                    out("x"),
                    incoming(Some(1), "a"),
                    out("y"),
                    incoming(Some(2), "b"),
                    ack("y", 4),
                    incoming(Some(3), "c"),
                    ack("x", 5),
                ],
                vec!["a", "b", "c", "y:delivered", "x:delivered"],
            ),
            (
                "an acked message is not shown again when it comes back in a catch-up",
                vec![out("x"), ack("x", 1), incoming(Some(1), "x")],
                vec!["x:delivered"],
            ),
            (
                "a gap marker stays where it was seen",
                vec![
                    incoming(Some(1), "a"),
                    ChatAction::Notice {
                        kind: NoticeKind::Gap,
                        text: "missed".into(),
                    },
                    incoming(Some(9), "z"),
                ],
                vec!["a", "[gap]", "z"],
            ),
            (
                "failed messages keep their place",
                vec![
                    out("x"),
                    ChatAction::Status {
                        id: "x".into(),
                        status: OutStatus::Failed("too large".into()),
                        seq: None,
                    },
                    incoming(Some(1), "a"),
                ],
                vec!["x:failed", "a"],
            ),
            (
                "a status for an unknown id changes nothing",
                vec![incoming(None, "a"), ack("nope", 1)],
                vec!["a"],
            ),
        ];
        for (name, actions, want) in cases {
            assert_eq!(run(actions), want, "{name}");
        }
    }
}
