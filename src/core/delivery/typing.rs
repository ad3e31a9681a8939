//! Who is typing: this chat's own typing as the wire carries it, and the others' as the
//! server relays it. wschat.v1 only: a plain server hears and tells nothing of it.
//!
//! Sent: `typing {active: true}` on the first keystroke, again every [`TYPING_REPEAT_MS`]
//! while keystrokes go on, and `false` once on send, on blur, when the box is emptied and
//! after [`IDLE`] without a keystroke. A start after a stop waits [`MIN_START_GAP`], as the
//! server's gate would hold it back otherwise. Received: a typer stays until its `false`, or
//! until [`TYPING_EXPIRES_MS`] pass without a repeat (a vanished client, a lost frame).

use super::envelopes::shown_sender;
use crate::core::boundary::Effect;
use crate::core::time::Moment;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, TYPING_EXPIRES_MS, TYPING_REPEAT_MS};

/// After this long without a keystroke, the user has stopped typing.
pub const IDLE: Duration = Duration::from_secs(3);
/// The shortest time between two starts, as the server relays them.
pub const MIN_START_GAP: Duration = Duration::from_secs(1);
/// The most typers kept: in a room where more type at once, the latest are left out.
pub const MAX_TYPISTS: usize = 50;
/// A typer not repeated within this long has stopped.
pub const EXPIRES: Duration = Duration::from_millis(TYPING_EXPIRES_MS);

const REPEAT: Duration = Duration::from_millis(TYPING_REPEAT_MS);

/// This chat's typing, as far as the room was told.
#[derive(Debug, Default)]
pub struct OwnTyping {
    /// When the user counts as stopped unless they type on; `None`: not typing.
    idle_at: Option<Moment>,
    /// The room was last told this user is typing.
    told: bool,
    /// When the last start went out.
    last_start: Option<Moment>,
}

impl OwnTyping {
    /// A keystroke that left text in the box; what to tell the room, if anything.
    pub fn keystroke(&mut self, now: Moment) -> Option<bool> {
        self.idle_at = Some(now.saturating_add(IDLE));
        self.poll(now)
    }

    /// Sent, blurred or emptied: a stop, if the room was told of a start.
    pub fn stop(&mut self) -> Option<bool> {
        self.idle_at = None;
        std::mem::take(&mut self.told).then_some(false)
    }

    /// The next time something may be due: the idle stop, or the next start or repeat.
    pub fn poll_timeout(&self) -> Option<Moment> {
        let idle = self.idle_at?;
        Some(idle.min(self.next_start()))
    }

    /// What to tell the room at `now`, if anything.
    pub fn poll(&mut self, now: Moment) -> Option<bool> {
        let idle = self.idle_at?;
        if now >= idle {
            return self.stop();
        }
        if now < self.next_start() {
            return None;
        }
        self.told = true;
        self.last_start = Some(now);
        Some(true)
    }

    fn next_start(&self) -> Moment {
        match self.last_start {
            None => Moment::ZERO,
            Some(at) if self.told => at.saturating_add(REPEAT),
            Some(at) => at.saturating_add(MIN_START_GAP),
        }
    }
}

impl super::Delivery {
    /// The user typed (`true`: text is in the box) or stopped (`false`: sent, blurred or
    /// emptied). Only a synced wschat.v1 connection hears of it.
    pub fn user_typing(&mut self, typing: bool, now: Moment, out: &mut VecDeque<Effect>) {
        let told = if typing {
            self.own_typing.keystroke(now)
        } else {
            self.own_typing.stop()
        };
        self.tell_typing(told, out);
    }

    /// When typing next needs the engine: a repeat, an idle stop, a typer expiring.
    pub fn typing_timeout(&self) -> Option<Moment> {
        [self.own_typing.poll_timeout(), self.typists.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Sends what is due of this chat's typing and forgets typers gone quiet.
    pub fn typing_timeout_passed(&mut self, now: Moment, out: &mut VecDeque<Effect>) {
        let told = self.own_typing.poll(now);
        self.tell_typing(told, out);
        if self.typists.expire(now) {
            self.show_typists(out);
        }
    }

    /// Someone in the room is typing or stopped, as the server relays it.
    pub(super) fn typing_heard(
        &mut self,
        heard: TypingHeard,
        now: Moment,
        out: &mut VecDeque<Effect>,
    ) {
        // Our own user in another tab is not someone else typing.
        if self.is_own(Some(&heard.who)) {
            return;
        }
        let name = shown_sender(heard.from, None, heard.guest).unwrap_or_else(|| "Someone".into());
        if self.typists.heard(heard.who, name, heard.active, now) {
            self.show_typists(out);
        }
    }

    /// The connection is gone: nobody is typing as far as this chat knows, and its own
    /// typing starts over with the next connection.
    pub(super) fn typing_lost(&mut self, out: &mut VecDeque<Effect>) {
        self.own_typing = OwnTyping::default();
        if self.typists.clear() {
            self.show_typists(out);
        }
    }

    fn tell_typing(&mut self, told: Option<bool>, out: &mut VecDeque<Effect>) {
        let ready = self.negotiation == Some(super::Negotiation::Envelopes) && self.synced;
        if !ready {
            // Not heard: the next start goes out once there is someone to tell.
            self.own_typing = OwnTyping::default();
            return;
        }
        if let Some(active) = told {
            out.push_back(Effect::Send(ClientFrame::Typing { active }.encode()));
        }
    }

    fn show_typists(&self, out: &mut VecDeque<Effect>) {
        out.push_back(Effect::Ui(ChatUpdate::Typing(self.typists.names())));
    }
}

/// A relayed `typing`.
pub(super) struct TypingHeard {
    pub who: String,
    pub from: Option<String>,
    pub guest: bool,
    pub active: bool,
}

#[cfg(test)]
#[path = "typing_tests.rs"]
mod tests;
