//! Unread messages and where the reader stopped. The reader is *reading* while the newest
//! message is on screen and the page is visible: then everything that arrives is read, and the
//! position moves to the newest seq, which the glue reports to the engine (it tells the
//! server, at most twice a second). Otherwise each message from others after the position
//! counts as unread.
//!
//! The position is the server's for a signed-in user on the companion server (`read {seq}`,
//! before the catch-up and whenever another of the user's tabs moves it); for anyone else it
//! lives only as long as the page. The first position the server tells marks the "New
//! messages" divider, which stays where it was put while the page lives.

use super::ChatState;
use crate::core::view::entry::Entry;
use ws_chat_protocol::Seq;

/// What the chat knows of what was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unread {
    /// Read up to this seq; `None`: no position yet.
    upto: Option<Seq>,
    /// The "New messages" divider goes before the first message from others after this.
    divider: Option<Seq>,
    /// Messages from others after the position.
    count: u32,
    /// The page is visible (`document.visibilityState`).
    visible: bool,
    /// A position to report, taken by the glue.
    report: Option<Seq>,
}

impl Default for Unread {
    fn default() -> Self {
        Unread {
            upto: None,
            divider: None,
            count: 0,
            visible: true,
            report: None,
        }
    }
}

impl ChatState {
    /// Messages from others after where the reader stopped (`data-unread`).
    pub fn unread(&self) -> u32 {
        self.unread.count
    }

    /// Whether the page is visible: a hidden one gets no animation frames to render in.
    pub fn page_is_visible(&self) -> bool {
        self.unread.visible
    }

    /// A read position for the engine to tell the server, if one is due.
    pub fn take_read_report(&mut self) -> Option<Seq> {
        self.unread.report.take()
    }

    /// The page became visible or hidden.
    pub(super) fn page_visible(&mut self, visible: bool) {
        self.unread.visible = visible;
        self.read_if_reading();
    }

    /// Whether the reader sees the newest message now.
    fn reading(&self) -> bool {
        self.unread.visible && self.window.following() && !self.scrollback.detached
    }

    /// A message from others at `seq` (`None` on a plain server) was kept.
    pub(super) fn counted_arrival(&mut self, seq: Option<Seq>) {
        if self.reading() {
            self.read_if_reading();
        } else if seq.is_none_or(|s| self.unread.upto.is_none_or(|upto| s > upto)) {
            self.unread.count = self.unread.count.saturating_add(1);
        }
    }

    /// While reading, everything kept is read: the position moves to the newest seq.
    pub(super) fn read_if_reading(&mut self) {
        if !self.reading() {
            return;
        }
        self.unread.count = 0;
        let newest = self.entries.iter().rev().find_map(|e| e.seq());
        if let Some(newest) = newest {
            if self.unread.upto.is_none_or(|upto| newest > upto) {
                self.unread.upto = Some(newest);
                self.unread.report = Some(newest);
            }
        }
    }

    /// The server says where this user stopped reading (on join, or from another tab).
    pub(super) fn read_up_to(&mut self, seq: Seq) {
        if self.unread.divider.is_none() {
            self.unread.divider = Some(seq);
        }
        if self.unread.upto.is_some_and(|upto| upto >= seq) {
            return;
        }
        self.unread.upto = Some(seq);
        let after =
            |e: &&std::rc::Rc<Entry>| matches!(&***e, Entry::In { seq: Some(s), .. } if *s > seq);
        self.unread.count =
            u32::try_from(self.entries.iter().filter(after).count()).unwrap_or(u32::MAX);
        self.read_if_reading();
    }

    /// Where the divider goes among `rendered`: before the first message from others after
    /// the position the server first told, if any is rendered.
    pub(super) fn divider_at(&self, rendered: &[std::rc::Rc<Entry>]) -> Option<usize> {
        let divider = self.unread.divider?;
        rendered
            .iter()
            .position(|e| matches!(&**e, Entry::In { seq: Some(s), .. } if *s > divider))
    }
}
