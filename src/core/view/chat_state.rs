//! What the chat shows, as a value: the connection phase, the messages kept, and which of them
//! are rendered.
//!
//! `apply` is the whole of the display logic, tested natively. It mutates in place and costs
//! the same whatever the history length: a busy room applies thousands of actions a second, so
//! nothing here copies the list (a clone-the-list reducer, as in Yew's todomvc, does not scale to
//! a chat). Entries are `Rc`s: the view shares them, and a row whose entry did not change is
//! the same pointer, so it is not rebuilt.

use crate::core::reconnect::{Phase, StopReason};
use crate::core::sign_in::SignedInUser;
use crate::core::view::days::Calendar;
use crate::core::view::entry::{Entry, OutStatus};
use crate::core::view::message_window::{DisplayConfig, MessageWindow, Rows};
use crate::core::view::status::{Details, ServerShown};
use crate::core::view::update::{ChatUpdate, DeliveryStats, ViewAction};
use std::collections::VecDeque;
use std::rc::Rc;
use ws_chat_protocol::{Millis, Seq};

/// Everything a chat shows: the connection's phase and details, and the messages kept, with
/// the window of them that is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatState {
    /// Where the reconnect machine is.
    pub phase: Phase,
    /// See [`ChatUpdate::Server`]; `None` until the chat has a server to connect to.
    pub server: Option<ServerShown>,
    /// What the handshake settled on; `None` while there is no open connection.
    pub details: Option<Details>,
    /// Delivery counters.
    pub stats: DeliveryStats,
    /// Who the server signed this chat in as.
    pub user: Option<SignedInUser>,
    /// The others typing now, by name (see [`ChatUpdate::Typing`]).
    pub typing: Vec<Rc<str>>,
    /// Who is in the room, by name, and how many (see [`ChatUpdate::Presence`]).
    pub presence: (Vec<Rc<str>>, Option<u32>),
    /// Oldest first, in room order; at most `display.keep` plus what is still pending.
    entries: VecDeque<Rc<Entry>>,
    window: MessageWindow,
    display: DisplayConfig,
    next_key: u64,
    /// See [`ChatUpdate::Names`]; `None` until a server said it speaks wschat.v1.
    own_label: Option<Rc<str>>,
    /// What is known of the history before what is kept.
    scrollback: Scrollback,
    /// What was read, and how much was not.
    unread: Unread,
}

impl Default for ChatState {
    fn default() -> Self {
        Self::new(DisplayConfig::default())
    }
}

impl ChatState {
    /// An empty chat that keeps and renders as much as `display` says.
    pub fn new(display: DisplayConfig) -> Self {
        Self {
            phase: Phase::Stopped(StopReason::User),
            server: None,
            details: None,
            stats: DeliveryStats::default(),
            user: None,
            typing: Vec::new(),
            presence: (Vec::new(), None),
            entries: VecDeque::new(),
            window: MessageWindow::default(),
            display: display.sanitized(),
            next_key: 0,
            own_label: None,
            scrollback: Scrollback::default(),
            unread: Unread::default(),
        }
    }

    /// Why the chat cannot connect at all (an invalid URL or configuration), if it cannot.
    pub fn unusable(&self) -> Option<&str> {
        match &self.phase {
            Phase::Stopped(StopReason::Unusable { reason }) => Some(reason),
            _ => None,
        }
    }

    /// Every entry kept, oldest first (the view reads [`ChatState::rows`]).
    #[cfg(test)]
    pub fn entries(&self) -> &VecDeque<Rc<Entry>> {
        &self.entries
    }

    /// The rows to render now, and what the list's controls should offer; `calendar` places
    /// the day separators.
    pub fn rows(&self, calendar: &dyn Calendar) -> Rows {
        let mut rows = self.window.rows(
            &self.entries,
            &self.display,
            self.own_label.as_ref(),
            calendar,
        );
        rows.older = !rows.earlier && self.may_load_older();
        rows.detached = self.scrollback.detached;
        rows.later |= self.scrollback.detached;
        rows.divider = self.divider_at(&rows.entries);
        rows
    }

    /// What the engine reported: the conversation or the connection changed.
    pub fn apply(&mut self, update: ChatUpdate) {
        match update {
            ChatUpdate::Phase(phase) => self.phase = phase,
            ChatUpdate::Server(server) => self.server = Some(server),
            ChatUpdate::Details(details) => self.details = details,
            ChatUpdate::Stats(stats) => self.stats = stats,
            ChatUpdate::Names(label) => {
                // A wschat.v1 server keeps history to scroll back into; a plain one none.
                self.scrollback.more = label.is_some();
                self.own_label = label;
            }
            ChatUpdate::User(user) => self.user = user,
            ChatUpdate::Typing(names) => self.typing = names,
            ChatUpdate::Presence { names, count } => self.presence = (names, count),
            ChatUpdate::ReadUpTo(seq) => self.read_up_to(seq),
            ChatUpdate::PageVisible(visible) => self.page_visible(visible),
            ChatUpdate::Outgoing {
                id,
                text,
                status,
                at,
            } => {
                let key = self.key();
                self.entries.push_back(Rc::new(Entry::Out {
                    key,
                    id,
                    text,
                    status,
                    seq: None,
                    at,
                }));
                // Whoever sends wants to see what they sent.
                self.window.jump_to_newest();
                self.evict();
                self.read_if_reading();
            }
            ChatUpdate::Status {
                id,
                status,
                seq,
                at,
            } => self.set_status(&id, status, seq, at),
            ChatUpdate::Incoming {
                seq,
                text,
                from,
                at,
            } => {
                let key = self.key();
                let entry = Entry::In {
                    key,
                    text,
                    seq,
                    from,
                    at,
                };
                // Detached, the newest are not kept: counted for "Jump to latest" only.
                if self.scrollback.detached {
                    self.window.arrived();
                } else if self.place(Rc::new(entry)) {
                    self.window.arrived();
                    self.evict();
                    self.counted_arrival(seq);
                }
            }
            ChatUpdate::Deleted { seq } => self.blank(seq),
            ChatUpdate::Removed { id } => {
                if let Some(i) = self.find_out(&id) {
                    self.entries.remove(i);
                }
            }
            ChatUpdate::Notice { kind, text } => {
                let key = self.key();
                self.place(Rc::new(Entry::Notice { key, kind, text }));
                self.evict();
            }
            ChatUpdate::Older {
                before,
                messages,
                more,
            } => self.older_arrived(before, messages, more),
        }
    }

    /// What the reader did: what is rendered changes, and a page of older messages may be
    /// wanted (see [`ChatState::take_older_request`]).
    pub fn act(&mut self, action: ViewAction) {
        match action {
            ViewAction::Scrolled { at_newest } => {
                self.window
                    .scrolled(at_newest, &self.entries, &self.display)
            }
            ViewAction::ShowEarlier => self.show_earlier(),
            ViewAction::ShowLater => self.window.show_later(&self.entries, &self.display),
            ViewAction::JumpToNewest => self.jump_to_newest(),
        }
        self.read_if_reading();
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// Drops the oldest entries past the cap, but never a queued message: it is still the
    /// only sign of something the user typed. (A plain server never confirms anything, so a
    /// message it was sent stays `sent` and ages out like any other; against wschat.v1,
    /// messages waiting for their ack are kept last and are not the oldest.) So at most
    /// `keep` plus the outbox's capacity are kept.
    fn evict(&mut self) {
        while self.entries.len() > self.display.keep
            && self.entries.front().is_some_and(|e| !e.is_queued())
        {
            self.entries.pop_front();
        }
    }

    /// Where our own message `id` is. It is pending (or just failed), so it is near the
    /// back: the search starts there.
    fn find_out(&self, id: &str) -> Option<usize> {
        self.entries
            .iter()
            .rposition(|e| matches!(&**e, Entry::Out { id: own, .. } if &**own == id))
    }

    /// The message at `seq` was deleted: its text goes, so it shows as deleted (an empty text
    /// is what a deleted message has; no message is stored empty). A deletion is rare, and
    /// usually of a recent message: the search starts at the back.
    fn blank(&mut self, seq: Seq) {
        let Some(i) = self.entries.iter().rposition(|e| e.seq() == Some(seq)) else {
            return;
        };
        if let Entry::Out { text, .. } | Entry::In { text, .. } = Rc::make_mut(&mut self.entries[i])
        {
            *text = Rc::from("");
        }
    }

    /// Our own message changed status (and, with the server's ack, got its time).
    fn set_status(&mut self, id: &str, status: OutStatus, seq: Option<Seq>, at: Option<Millis>) {
        let Some(i) = self.find_out(id) else {
            return;
        };
        let moves = seq.is_some() && self.entries[i].seq() != seq;
        // A failed message retried is pending again: it waits at the bottom with the others.
        let retried = status == OutStatus::Queued
            && matches!(
                &*self.entries[i],
                Entry::Out {
                    status: OutStatus::Failed(_),
                    ..
                }
            );
        if let Entry::Out {
            status: s,
            seq: old,
            at: typed,
            ..
        } = Rc::make_mut(&mut self.entries[i])
        {
            *s = status;
            if moves {
                *old = seq;
            }
            if let Some(at) = at {
                *typed = at;
            }
        }
        if moves || retried {
            if let Some(entry) = self.entries.remove(i) {
                self.place(entry);
            }
        }
    }

    /// A room message goes in room order, before any later one and above messages still
    /// pending, and is never shown twice; anything else (plain text, notices) is appended.
    /// The scan starts at the back and stops at the first earlier message, so its cost is the
    /// number of entries that come after the new one, not the history length.
    /// Returns whether the entry was added.
    fn place(&mut self, entry: Rc<Entry>) -> bool {
        let Some(seq) = entry.seq() else {
            self.entries.push_back(entry);
            return true;
        };
        let mut at = self.entries.len();
        while at > 0 {
            let before = &self.entries[at - 1];
            match before.seq() {
                Some(b) if b == seq => return false,
                Some(b) if b > seq => at -= 1,
                _ if before.is_pending_out() => at -= 1,
                _ => break,
            }
        }
        self.entries.insert(at, entry);
        true
    }
}

mod older;
mod unread;
#[cfg(test)]
mod unread_tests;
use older::Scrollback;
use unread::Unread;

#[cfg(test)]
mod tests;
