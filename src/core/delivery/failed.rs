//! Whether a message can be queued, and the ones that failed (too large, outbox full, rejected
//! by the server): kept so the user can "Retry" them, until they "Remove" them.

use super::{notice, status, ui, Delivery};
use crate::core::boundary::Effect;
use crate::core::boundary::SavedMessage;
use crate::core::view::entry::{NoticeKind, OutStatus};
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;

/// Failed messages kept for "Retry": enough for any real outage, and a bound on what a user
/// pasting oversized text again and again can make this tab hold.
pub const MAX_FAILED_KEPT: usize = 100;

impl Delivery {
    /// Puts a message in the outbox, or says why it fails.
    pub(super) fn enqueue(&mut self, message: &SavedMessage) -> OutStatus {
        if message.text.len() > self.config.max_message_bytes {
            return OutStatus::Failed(format!(
                "too large: {} bytes, the limit is {}",
                message.text.len(),
                self.config.max_message_bytes
            ));
        }
        match self.outbox.push(message.clone()) {
            Ok(()) => OutStatus::Queued,
            Err(full) => OutStatus::Failed(full.to_string()),
        }
    }

    /// Sends what was queued, or keeps what failed for "Retry".
    pub(super) fn after_enqueue(
        &mut self,
        message: SavedMessage,
        status: &OutStatus,
        out: &mut VecDeque<Effect>,
    ) {
        if *status == OutStatus::Queued {
            self.flush(out);
            self.unsaved = true;
        } else {
            self.keep_failed(message);
        }
    }

    /// Keeps a failed message for "Retry". At most [`MAX_FAILED_KEPT`] are kept: past that
    /// the oldest is forgotten (its row stays, but retrying it says it is too late).
    pub(super) fn keep_failed(&mut self, message: SavedMessage) {
        if self.failed.len() >= MAX_FAILED_KEPT {
            self.failed.pop_front();
        }
        self.failed.push_back(message);
    }

    /// "Retry": the failed message goes back to the outbox, queued, and is sent like a new one
    /// under its old id (so a server that did store it after all recognises the re-send). If
    /// it fails again (still too large, outbox still full) it stays failed with that reason.
    pub fn user_retry(&mut self, id: &str, out: &mut VecDeque<Effect>) {
        let Some(message) = self.take_failed(id) else {
            // A second click on the same Retry finds it on its way already.
            if !self.outbox.contains(id) {
                notice(
                    out,
                    NoticeKind::Error,
                    "that message can no longer be retried: too many others failed since".into(),
                );
            }
            return;
        };
        let outcome = self.enqueue(&message);
        status(out, message.id.clone(), outcome.clone(), None);
        self.after_enqueue(message, &outcome, out);
    }

    /// "Remove": the message is gone from the list, from the outbox and (with the next save)
    /// from the saved outbox. Nothing happens for an id this chat does not hold.
    pub fn user_remove(&mut self, id: &str, out: &mut VecDeque<Effect>) {
        let failed = self.take_failed(id).is_some();
        let queued = self.outbox.remove(id);
        if queued {
            self.unsaved = true;
        }
        if failed || queued {
            ui(out, ChatUpdate::Removed { id: id.into() });
        }
    }

    fn take_failed(&mut self, id: &str) -> Option<SavedMessage> {
        let at = self.failed.iter().position(|m| m.id == id)?;
        self.failed.remove(at)
    }
}
