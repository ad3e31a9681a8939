//! Scrolling back past what the chat keeps. "Show earlier" with every kept message rendered
//! asks for the server's page before the oldest kept one, which goes in front. Memory stays
//! bounded as ever: past `keep`, the newest messages are let go of (never one of ours still on
//! its way), and the chat is then detached from the room's present. Live messages are
//! counted, not kept, until "Jump to latest" asks for the newest page, which takes the place
//! of what was kept.

use super::ChatState;
use crate::core::view::entry::Entry;
use crate::core::view::update::OlderMessage;
use std::rc::Rc;
use ws_chat_protocol::Seq;

/// What the chat knows of the history before what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Scrollback {
    /// The server may hold messages older than the oldest kept: it speaks wschat.v1 and has
    /// not said otherwise.
    pub more: bool,
    /// The newest messages were let go of to keep older ones.
    pub detached: bool,
    /// The page the reader's last action asks for (the `before` of `history`).
    pub wanted: Option<Option<Seq>>,
}

impl ChatState {
    /// The page of older messages the reader's last action asks for, if any, by its
    /// `before` (`None`: the newest page). The glue hands it to the engine.
    pub fn take_older_request(&mut self) -> Option<Option<Seq>> {
        self.scrollback.wanted.take()
    }

    /// The newest messages were let go of to keep older ones: live messages are counted, not
    /// shown, until the reader jumps to the latest.
    pub fn detached(&self) -> bool {
        self.scrollback.detached
    }

    /// Whether the server may be asked for messages before the oldest kept: one is kept (a
    /// chat that holds no room message has its catch-up still to come, or the room is empty),
    /// and it is not the room's first (seqs start at 1).
    pub(super) fn may_load_older(&self) -> bool {
        self.scrollback.more && self.oldest_seq().is_some_and(|seq| seq > 1)
    }

    /// "Show earlier": a batch more of the kept messages, or, when all of them are rendered,
    /// the server's page before them.
    pub(super) fn show_earlier(&mut self) {
        let all_rendered = !self.window.rows_above(&self.entries, &self.display);
        if all_rendered && self.may_load_older() {
            self.scrollback.wanted = self.oldest_seq().map(Some);
        } else {
            self.window.show_earlier(&self.entries, &self.display);
        }
    }

    /// Follows the newest message again; detached, once the newest page is back.
    pub(super) fn jump_to_newest(&mut self) {
        if self.scrollback.detached {
            self.scrollback.wanted = Some(None);
        }
        self.window.jump_to_newest();
    }

    /// A page of older messages came: in front of the oldest kept, or, for the newest page,
    /// in place of everything kept but our own messages not delivered (on their way, or
    /// failed with Retry and Remove).
    pub(super) fn older_arrived(
        &mut self,
        before: Option<Seq>,
        messages: Vec<OlderMessage>,
        more: bool,
    ) {
        if before.is_none() {
            // Ours come after the page, as they did after what was kept.
            let ours: Vec<Rc<Entry>> = self
                .entries
                .drain(..)
                .filter(|e| e.is_undelivered_out())
                .collect();
            self.scrollback = Scrollback {
                more,
                ..Scrollback::default()
            };
            for message in messages {
                let entry = self.older_entry(message);
                self.place(entry);
            }
            self.entries.extend(ours);
            self.window.jump_to_newest();
            self.evict();
            return;
        }
        self.scrollback.more = more;
        // Only what is older than the oldest kept: the list may have changed since the ask.
        let oldest = self.oldest_seq();
        let mut first = None;
        for message in messages.into_iter().rev() {
            if oldest.is_some_and(|o| message.seq >= o) {
                continue;
            }
            let entry = self.older_entry(message);
            first = Some(entry.key());
            self.entries.push_front(entry);
        }
        if let Some(key) = first {
            self.window.render_from(key);
            self.let_go_of_newest();
        }
    }

    fn older_entry(&mut self, message: OlderMessage) -> Rc<Entry> {
        let OlderMessage {
            seq,
            text,
            from,
            at,
        } = message;
        Rc::new(Entry::In {
            key: self.key(),
            text,
            seq: Some(seq),
            from,
            at,
        })
    }

    fn oldest_seq(&self) -> Option<Seq> {
        self.entries.iter().find_map(|e| e.seq())
    }

    /// Past `keep` after a page of older messages, the newest go (but none of ours not
    /// delivered), and the chat is detached.
    fn let_go_of_newest(&mut self) {
        while self.entries.len() > self.display.keep {
            let Some(i) = self.entries.iter().rposition(|e| !e.is_undelivered_out()) else {
                break;
            };
            self.entries.remove(i);
            self.scrollback.detached = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::days::FixedCalendar;
    use crate::core::view::message_window::{DisplayConfig, Rows};
    use crate::core::view::update::{ChatUpdate, ViewAction};

    fn message(seq: Seq) -> OlderMessage {
        OlderMessage {
            seq,
            text: seq.to_string().into(),
            from: None,
            at: 0,
        }
    }

    fn older(before: Option<Seq>, seqs: std::ops::RangeInclusive<Seq>, more: bool) -> ChatUpdate {
        ChatUpdate::Older {
            before,
            messages: seqs.map(message).collect(),
            more,
        }
    }

    fn incoming(seq: Seq) -> ChatUpdate {
        ChatUpdate::Incoming {
            seq: Some(seq),
            text: seq.to_string().into(),
            from: None,
            at: 0,
        }
    }

    fn kept(s: &ChatState) -> Vec<String> {
        s.entries.iter().map(|e| e.text().to_owned()).collect()
    }

    fn rows(s: &ChatState) -> Rows {
        s.rows(&FixedCalendar::default())
    }

    /// A wschat.v1 chat keeping 5, rendering 2 at a time and 4 at most, holding 101 to 103.
    fn chat() -> ChatState {
        let display = DisplayConfig::default().keep(5).batch(2).max_rendered(4);
        let mut s = ChatState::new(display);
        s.apply(ChatUpdate::Names(Some("Me".into())));
        for seq in 101..=103 {
            s.apply(incoming(seq));
        }
        s
    }

    #[test]
    fn scrolling_back_goes_to_the_server_once_every_kept_message_is_rendered() {
        let mut s = chat();
        assert!(rows(&s).earlier && !rows(&s).older);
        s.act(ViewAction::Scrolled { at_newest: false });
        s.act(ViewAction::ShowEarlier);
        assert_eq!(s.take_older_request(), None, "a kept batch first");
        assert!(!rows(&s).earlier && rows(&s).older);
        s.act(ViewAction::ShowEarlier);
        assert_eq!(s.take_older_request(), Some(Some(101)));
        assert_eq!(s.take_older_request(), None, "taken once");
        // The page goes in front (a message kept already is not doubled), rendered from its
        // first message down.
        s.apply(older(Some(101), 99..=101, true));
        assert_eq!(kept(&s), ["99", "100", "101", "102", "103"]);
        let shown: Vec<_> = rows(&s)
            .entries
            .iter()
            .map(|e| e.text().to_owned())
            .collect();
        assert_eq!(shown, ["99", "100", "101", "102"]);
        assert!(!rows(&s).detached);
    }

    #[test]
    fn going_far_back_lets_go_of_the_newest_and_jumping_to_the_latest_brings_them_back() {
        let mut s = chat();
        s.act(ViewAction::Scrolled { at_newest: false });
        s.apply(older(Some(101), 97..=100, true));
        // Seven would be more than five: the newest two go, and the chat is detached.
        assert_eq!(kept(&s), ["97", "98", "99", "100", "101"]);
        assert!(rows(&s).detached && s.detached());
        // Live messages are counted, not kept.
        s.apply(incoming(104));
        assert_eq!(kept(&s).len(), 5);
        assert_eq!(rows(&s).unseen, 1);
        s.act(ViewAction::JumpToNewest);
        assert_eq!(s.take_older_request(), Some(None), "the newest page");
        s.apply(older(None, 100..=104, true));
        assert_eq!(kept(&s), ["100", "101", "102", "103", "104"]);
        let r = rows(&s);
        assert!(!r.detached && r.following && r.unseen == 0);
        // Live again.
        s.apply(incoming(105));
        assert_eq!(kept(&s).last().map(String::as_str), Some("105"));
    }

    #[test]
    fn our_undelivered_messages_are_never_let_go_of() {
        let mut s = chat();
        s.apply(ChatUpdate::Outgoing {
            id: "x".into(),
            text: "typed".into(),
            status: crate::core::view::entry::OutStatus::Queued,
            at: 0,
        });
        s.apply(ChatUpdate::Outgoing {
            id: "y".into(),
            text: "refused".into(),
            status: crate::core::view::entry::OutStatus::Failed("too large".into()),
            at: 0,
        });
        s.act(ViewAction::Scrolled { at_newest: false });
        s.apply(older(Some(101), 95..=100, true));
        assert_eq!(kept(&s), ["95", "96", "97", "typed", "refused"]);
        s.apply(older(None, 102..=103, true));
        assert_eq!(kept(&s), ["102", "103", "typed", "refused"]);
    }

    #[test]
    fn nothing_is_asked_of_a_plain_server_or_before_the_first_message() {
        let mut s = ChatState::default();
        s.apply(ChatUpdate::Names(None));
        s.apply(ChatUpdate::Incoming {
            seq: None,
            text: "data received".into(),
            from: None,
            at: 0,
        });
        s.act(ViewAction::ShowEarlier);
        assert!(!rows(&s).older);
        assert_eq!(s.take_older_request(), None);
        // Nothing of the room kept yet (only our queued messages): nothing to go back from.
        let mut s = ChatState::default();
        s.apply(ChatUpdate::Names(Some("Me".into())));
        s.apply(ChatUpdate::Outgoing {
            id: "x".into(),
            text: "typed".into(),
            status: crate::core::view::entry::OutStatus::Queued,
            at: 0,
        });
        s.act(ViewAction::ShowEarlier);
        assert!(!rows(&s).older);
        assert_eq!(s.take_older_request(), None);
        // The server says there is no more, or the first message is kept.
        let mut s = chat();
        s.act(ViewAction::Scrolled { at_newest: false });
        s.apply(older(Some(101), 100..=100, false));
        assert!(!rows(&s).older);
        let mut s = chat();
        s.apply(older(Some(101), 1..=100, true));
        assert_eq!(kept(&s)[0], "1");
        assert!(!rows(&s).older);
    }
}
