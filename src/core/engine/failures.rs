//! What the engine makes of the browser refusing a socket or the storage.

use super::Engine;
use crate::core::boundary::Effect;
use crate::core::reconnect::Input;
use crate::core::time::Moment;
use crate::core::view::entry::NoticeKind;
use crate::core::view::update::ChatUpdate;

impl Engine {
    /// The browser would not open a socket to the current server. Another server may do, so
    /// this one counts as a failed attempt until none is left; then the chat stops, and
    /// Connect tries them all again.
    pub(super) fn connect_failed(&mut self, reason: String, now: Moment) {
        let url = self.current_url().unwrap_or_default();
        let reason = format!("the browser cannot connect to {url}: {reason}");
        if let Some(flag) = self.unopenable.get_mut(self.reconnect.server()) {
            *flag = true;
        }
        if self.unopenable.iter().all(|&flag| flag) {
            self.unopenable.fill(false);
            self.reconnect.handle(Input::Unusable { reason }, now);
        } else {
            self.reconnect
                .handle(Input::Closed { code: 1006, reason }, now);
        }
    }

    /// Storage failed once: the outbox lives in memory from now on, which the user is told
    /// once, and the saved record goes (a remove needs no space), because a record older than
    /// what the server has acked would send delivered messages again after a reload.
    pub(super) fn storage_failed(&mut self, reason: String) {
        if !std::mem::replace(&mut self.storing, false) {
            return;
        }
        self.effects.push_back(Effect::SaveOutbox {
            messages: Vec::new(),
            orphaned: false,
        });
        self.effects.push_back(Effect::Ui(ChatUpdate::Notice {
            kind: NoticeKind::Error,
            text: format!("{reason}: unsent messages are kept in this page only").into(),
        }));
    }
}
