//! What wschat.v1 envelopes from the server do to the outbox and the screen.

use super::{notice, status, ui, Delivery};
use crate::core::chat_state::{ChatAction, NoticeKind, OutStatus};
use crate::core::reconnect::Now;
use crate::core::Effect;
use std::collections::VecDeque;
use ws_chat_protocol::{Seq, ServerFrame};

impl Delivery {
    pub(super) fn frame_received(
        &mut self,
        frame: ServerFrame,
        now: Now,
        out: &mut VecDeque<Effect>,
    ) {
        let before = self.stats;
        match frame {
            ServerFrame::Ack { id, seq } => self.confirmed(id, seq, out),
            ServerFrame::Reject { id, reason } => {
                if self.outbox.remove(&id) {
                    status(
                        out,
                        id,
                        OutStatus::Failed(format!("rejected by the server: {reason}")),
                        None,
                    );
                    self.unsaved = true;
                }
            }
            ServerFrame::Msg { seq, id, text } => match id {
                // Our own message whose ack was lost with a socket.
                Some(id) if self.outbox.contains(&id) => self.confirmed(id, seq, out),
                _ if self.seen.contains(seq) => self.stats.duplicates += 1,
                _ => {
                    self.seen.insert(seq);
                    ui(
                        out,
                        ChatAction::Incoming {
                            seq: Some(seq),
                            text: text.into(),
                        },
                    );
                }
            },
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
                }
            }
            ServerFrame::Error {
                id: Some(id),
                reason,
            } => self.not_stored(id, reason, now, out),
            ServerFrame::Error { id: None, reason } => {
                notice(out, NoticeKind::Error, format!("server error: {reason}"))
            }
            // A repeated welcome says nothing new.
            ServerFrame::Pong | ServerFrame::Welcome { .. } => {}
        }
        if self.stats != before {
            ui(out, ChatAction::Stats(self.stats));
        }
    }

    /// The server could not store `id` now: it waits as queued and goes again after a delay
    /// that doubles with each failure in a row. It never stays "sent" without an answer.
    fn not_stored(&mut self, id: String, reason: String, now: Now, out: &mut VecDeque<Effect>) {
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

    pub(super) fn confirmed(&mut self, id: String, seq: Seq, out: &mut VecDeque<Effect>) {
        if !self.outbox.remove(&id) {
            self.stats.duplicates += 1;
            return;
        }
        self.store_errors = 0;
        self.stats.delivered += 1;
        self.seen.insert(seq);
        status(out, id, OutStatus::Delivered, Some(seq));
        self.unsaved = true;
    }
}
