//! What wschat.v1 envelopes from the server do to the outbox and the screen.

use super::{notice, status, ui, Delivery};
use crate::core::boundary::Effect;
use crate::core::time::Moment;
use crate::core::view::entry::{NoticeKind, OutStatus};
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;
use ws_chat_protocol::{Millis, Seq, ServerFrame};

/// The longest `retry_after` obeyed.
const MAX_RETRY_AFTER_MS: Millis = 60_000;

impl Delivery {
    /// `wall_ms`: when it arrived, the time shown for a message the server did not stamp.
    pub(super) fn frame_received(
        &mut self,
        frame: ServerFrame,
        now: Moment,
        wall_ms: Millis,
        out: &mut VecDeque<Effect>,
    ) {
        let before = self.stats;
        let Some(frame) = self.older_frame(frame, wall_ms, out) else {
            return;
        };
        match frame {
            ServerFrame::Ack { id, seq, ts } => self.confirmed(id, seq, ts, out),
            ServerFrame::Reject {
                id,
                retry_after: Some(wait),
                ..
            } => self.held_back(id, wait, now, out),
            ServerFrame::Reject {
                id,
                reason,
                retry_after: None,
            } => {
                if let Some(message) = self.outbox.take(&id) {
                    status(
                        out,
                        id,
                        OutStatus::Failed(format!("rejected by the server: {reason}")),
                        None,
                    );
                    self.keep_failed(message);
                    self.unsaved = true;
                }
            }
            ServerFrame::Msg {
                seq,
                id,
                text,
                from,
                ts,
                user,
                guest,
            } => match id {
                // Our own message whose ack was lost with a socket (another user's under the
                // same id is theirs: ids are unique per user).
                Some(id) if self.outbox.contains(&id) && self.is_own(user.as_deref()) => {
                    self.confirmed(id, seq, ts, out)
                }
                _ if self.seen.contains(seq) => self.stats.duplicates += 1,
                _ => {
                    self.seen.insert(seq);
                    ui(
                        out,
                        ChatUpdate::Incoming {
                            seq: Some(seq),
                            text: text.into(),
                            from: shown_sender(from, user, guest),
                            at: ts.unwrap_or(wall_ms),
                        },
                    );
                }
            },
            // A tombstone has a seq of its own, counted as a message's is.
            ServerFrame::Deleted { seq, .. } if self.seen.contains(seq) => {
                self.stats.duplicates += 1
            }
            ServerFrame::Deleted { seq, of } => {
                self.seen.insert(seq);
                ui(out, ChatUpdate::Deleted { seq: of });
            }
            ServerFrame::Synced { head, gap } => {
                // On a first join the history's limit is not something this chat missed.
                if gap && self.seen.upto.is_some() {
                    self.stats.gaps += 1;
                    notice(
                        out,
                        NoticeKind::Gap,
                        "some messages were missed while disconnected".into(),
                    );
                }
                if !self.seen.caught_up(head) {
                    self.stats.gaps += 1;
                    notice(
                        out,
                        NoticeKind::Gap,
                        "the server's history started over: numbering begins again".into(),
                    );
                }
                if !std::mem::replace(&mut self.synced, true) {
                    // Caught up: what is still unconfirmed now goes out again, in order.
                    self.flush(out);
                    self.flush_read(now, out);
                }
            }
            ServerFrame::Error {
                id: Some(id),
                reason,
            } => self.not_stored(id, reason, now, out),
            ServerFrame::Error { id: None, reason } => {
                notice(out, NoticeKind::Error, format!("server error: {reason}"))
            }
            ServerFrame::Authed { sub, name, exp } => {
                // The server shows this name on our messages, whatever `hello` said.
                if let Some(name) = &name {
                    ui(out, ChatUpdate::Names(Some(name.as_str().into())));
                }
                self.signed_in(super::SignInAnswer {
                    sub,
                    name,
                    exp,
                    wall_ms,
                });
            }
            ServerFrame::Typing {
                who,
                from,
                guest,
                active,
            } => {
                let heard = super::typing::TypingHeard {
                    who,
                    from,
                    guest,
                    active,
                };
                self.typing_heard(heard, now, out);
            }
            ServerFrame::Read { seq } => self.read_heard(seq, out),
            ServerFrame::Present { who, from, guest } => {
                let heard = super::presence::PresenceHeard::Present { who, from, guest };
                self.presence_heard(heard, out);
            }
            ServerFrame::Absent { who } => {
                self.presence_heard(super::presence::PresenceHeard::Absent { who }, out)
            }
            ServerFrame::Presence { count, listed } => {
                let heard = super::presence::PresenceHeard::Count { count, listed };
                self.presence_heard(heard, out);
            }
            // A repeated welcome says nothing new; a `history` nobody asked for is ignored.
            ServerFrame::Pong | ServerFrame::Welcome { .. } | ServerFrame::History { .. } => {}
        }
        if self.stats != before {
            ui(out, ChatUpdate::Stats(self.stats));
        }
    }

    /// The server could not store `id` now: it waits as queued and goes again after a delay
    /// that doubles with each failure in a row. It never stays "sent" without an answer.
    fn not_stored(&mut self, id: String, reason: String, now: Moment, out: &mut VecDeque<Effect>) {
        if !self.outbox.requeue(&id) {
            return;
        }
        if self.store_errors == 0 {
            notice(
                out,
                NoticeKind::Error,
                format!("the server could not store a message; it will be sent again: {reason}"),
            );
        }
        let delay = self.config.store_retry * (1 << self.store_errors.min(5));
        self.store_errors = self.store_errors.saturating_add(1);
        self.resend_at = Some(now.saturating_add(delay));
        status(out, id, OutStatus::Queued, None);
    }

    /// The server refused our message for now (we sent too fast) and says when to try again:
    /// it waits as queued, and it and everything after it go again then, in order. A hint
    /// longer than [`MAX_RETRY_AFTER_MS`] is cut to it, so a server cannot hold the outbox
    /// for ever.
    fn held_back(&mut self, id: String, wait: Millis, now: Moment, out: &mut VecDeque<Effect>) {
        if !self.outbox.requeue(&id) {
            return;
        }
        let at = now.saturating_add(Duration::from_millis(wait.min(MAX_RETRY_AFTER_MS)));
        self.resend_at = Some(self.resend_at.map_or(at, |held| held.max(at)));
        status(out, id, OutStatus::Queued, None);
    }

    /// The server stored our message at `seq`, at its time `ts` (which replaces the typed
    /// time on screen, so everyone sees the same time for it).
    pub(super) fn confirmed(
        &mut self,
        id: String,
        seq: Seq,
        ts: Option<Millis>,
        out: &mut VecDeque<Effect>,
    ) {
        if !self.outbox.remove(&id) {
            self.stats.duplicates += 1;
            return;
        }
        self.store_errors = 0;
        self.stats.delivered += 1;
        self.seen.insert(seq);
        ui(
            out,
            ChatUpdate::Status {
                id: id.into(),
                status: OutStatus::Delivered,
                seq: Some(seq),
                at: ts,
            },
        );
        self.unsaved = true;
    }
}

/// The sender line of a room message: the name (or, for a signed-in sender without one, the
/// user id), marked when the sender is a guest on a server that signs users in, so a guest
/// who calls itself Ann never looks like the signed-in Ann.
pub(super) fn shown_sender(
    from: Option<String>,
    user: Option<String>,
    guest: bool,
) -> Option<Rc<str>> {
    let name = from.or(user);
    match (name, guest) {
        (Some(name), true) => Some(Rc::from(format!("{name} (guest)"))),
        (None, true) => Some(Rc::from("Guest")),
        (name, false) => name.map(Rc::from),
    }
}
