//! Which kept messages are rendered: a bounded window over the list, so the DOM stays small
//! however busy the room is.
//!
//! While the reader follows the newest message, the window is the last `batch` entries. Once
//! they scroll up (or ask for earlier messages), the window is anchored on its first entry and
//! grows downwards to at most `max_rendered` rows, so what they are reading stays put while
//! messages keep arriving; the arrivals are counted for the "N new messages" control.

use crate::core::setters::setters;
use crate::core::view::days::{day_lines, Calendar, DayLabel};
use crate::core::view::entry::Entry;
use crate::core::view::sender_runs::sender_lines;
use std::collections::VecDeque;
use std::rc::Rc;

/// How much of the conversation is kept and rendered.
///
/// ```
/// let display = ws_chat::DisplayConfig::default().keep(5_000).max_rendered(1_000);
/// assert_eq!((display.keep, display.batch), (5_000, 50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DisplayConfig {
    /// Entries kept in memory; the oldest go first. Messages still waiting to be delivered are
    /// never dropped.
    pub keep: usize,
    /// Rows rendered while following the newest message, and added by each "show earlier".
    pub batch: usize,
    /// Rows rendered at most, whatever the reader does.
    pub max_rendered: usize,
}

impl Default for DisplayConfig {
    /// 50 rows fill a few screens, and a busy room replaces them all every frame, so fewer is
    /// cheaper; 500 rows at most keep layout and memory small; 1,000 kept messages match the
    /// server's default history.
    fn default() -> Self {
        Self {
            keep: 1_000,
            batch: 50,
            max_rendered: 500,
        }
    }
}

setters!(DisplayConfig {
    keep: usize,
    batch: usize,
    max_rendered: usize,
});

impl DisplayConfig {
    /// At least one row, and never a batch larger than the cap or the cap larger than what is
    /// kept: a zero or inverted setting must not hide everything.
    pub fn sanitized(self) -> Self {
        let keep = self.keep.max(1);
        let max_rendered = self.max_rendered.clamp(1, keep);
        let batch = self.batch.clamp(1, max_rendered);
        Self {
            keep,
            batch,
            max_rendered,
        }
    }
}

/// What the message list renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// Oldest first. The `Rc`s are the kept entries themselves, so comparing two renders'
    /// rows is a pointer comparison for every row that did not change.
    pub entries: Vec<Rc<Entry>>,
    /// For each row, the sender line shown above it (see [`sender_lines`]).
    pub senders: Vec<Option<Rc<str>>>,
    /// For each row, the day separator shown above it (see [`day_lines`]).
    pub days: Vec<Option<DayLabel>>,
    /// Kept entries exist above the first row: offer "show earlier".
    pub earlier: bool,
    /// Following the newest message: the view keeps it scrolled into view.
    pub following: bool,
    /// Messages that arrived since the reader scrolled away from the newest one.
    pub unseen: usize,
    /// Every kept message is rendered and the server may hold older ones: offer to load them
    /// (see [`crate::view::ChatState::take_older_request`]).
    pub older: bool,
    /// The newest messages were let go of to keep older ones: offer "Jump to latest".
    pub detached: bool,
    /// Messages after the last row are not rendered (later kept ones, or, detached, the
    /// newest): the bottom of the list is not the newest message.
    pub later: bool,
    /// The row the "New messages" divider goes above, if it is rendered.
    pub divider: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageWindow {
    /// The reader is at the newest message: it stays in view as messages arrive.
    following: bool,
    /// The first rendered entry, once the reader scrolled up or asked for earlier messages;
    /// `None`: the last batch. (If it is dropped from memory, the window starts at the oldest.)
    anchor: Option<u64>,
    unseen: usize,
}

impl Default for MessageWindow {
    fn default() -> Self {
        Self {
            following: true,
            anchor: None,
            unseen: 0,
        }
    }
}

impl MessageWindow {
    /// Back to the newest batch ("N new messages", or the reader sent something).
    pub fn jump_to_newest(&mut self) {
        *self = Self::default();
    }

    /// Whether the reader is at the newest message.
    pub fn following(&self) -> bool {
        self.following
    }

    /// A message arrived.
    pub fn arrived(&mut self) {
        if !self.following {
            self.unseen += 1;
        }
    }

    pub fn scrolled(&mut self, at_newest: bool, entries: &VecDeque<Rc<Entry>>, c: &DisplayConfig) {
        if at_newest {
            // Following again, with whatever earlier rows the reader asked for.
            self.following = true;
            self.unseen = 0;
        } else if self.following {
            // Anchor on what is rendered now, so what the reader sees stays put (an anchor
            // kept from earlier may lie before the window by now).
            self.anchor = entries.get(self.bounds(entries, c).0).map(|e| e.key());
            self.following = false;
        }
    }

    pub fn show_earlier(&mut self, entries: &VecDeque<Rc<Entry>>, c: &DisplayConfig) {
        let start = self.bounds(entries, c).0.saturating_sub(c.batch);
        self.anchor = entries.get(start).map(|e| e.key());
    }

    /// `own_label`: see [`sender_lines`]; `calendar`: see [`day_lines`].
    pub fn rows(
        &self,
        entries: &VecDeque<Rc<Entry>>,
        c: &DisplayConfig,
        own_label: Option<&Rc<str>>,
        calendar: &dyn Calendar,
    ) -> Rows {
        let (start, end) = self.bounds(entries, c);
        let rendered: Vec<Rc<Entry>> = entries.range(start..end).cloned().collect();
        let days = day_lines(&rendered, calendar);
        Rows {
            senders: sender_lines(&rendered, own_label, &days),
            days,
            entries: rendered,
            earlier: start > 0,
            following: self.following,
            unseen: self.unseen,
            older: false,
            detached: false,
            divider: None,
            later: end < entries.len(),
        }
    }

    /// Moves the window a batch down, never past the newest kept entry (the reader scrolled
    /// to the bottom of a window that does not reach it).
    pub fn show_later(&mut self, entries: &VecDeque<Rc<Entry>>, c: &DisplayConfig) {
        let (start, end) = self.bounds(entries, c);
        if end < entries.len() {
            let last_start = entries.len().saturating_sub(c.max_rendered);
            self.anchor = entries
                .get((start + c.batch).min(last_start))
                .map(|e| e.key());
        }
    }

    /// Whether kept entries lie above the rendered ones.
    pub fn rows_above(&self, entries: &VecDeque<Rc<Entry>>, c: &DisplayConfig) -> bool {
        self.bounds(entries, c).0 > 0
    }

    /// Renders from the entry `key` down (entries were put in front, for the reader to
    /// scroll into), whether or not the reader follows the newest.
    pub fn render_from(&mut self, key: u64) {
        self.anchor = Some(key);
    }

    /// The rendered range. Following, it ends at the newest entry (so a window that reached
    /// `max_rendered` slides); otherwise it starts at the anchor. Finding the anchor is a
    /// search, done only when the reader has scrolled or asked for earlier messages.
    fn bounds(&self, entries: &VecDeque<Rc<Entry>>, c: &DisplayConfig) -> (usize, usize) {
        let len = entries.len();
        let start = match self.anchor {
            None => len.saturating_sub(c.batch),
            Some(key) => entries.iter().position(|e| e.key() == key).unwrap_or(0),
        };
        if self.following {
            (start.max(len.saturating_sub(c.max_rendered)), len)
        } else {
            (start, len.min(start + c.max_rendered))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::days::FixedCalendar;

    fn entries(n: u64) -> VecDeque<Rc<Entry>> {
        (1..=n)
            .map(|key| {
                Rc::new(Entry::In {
                    key,
                    text: key.to_string().into(),
                    seq: Some(key),
                    from: None,
                    at: 0,
                })
            })
            .collect()
    }

    fn shown(w: &MessageWindow, e: &VecDeque<Rc<Entry>>, c: &DisplayConfig) -> (u64, u64, bool) {
        let rows = w.rows(e, c, None, &FixedCalendar::default());
        let key = |r: Option<&Rc<Entry>>| r.map_or(0, |e| e.key());
        (
            key(rows.entries.first()),
            key(rows.entries.last()),
            rows.later,
        )
    }

    #[test]
    fn a_window_that_does_not_reach_the_newest_moves_down_a_batch_at_a_time() {
        let c = DisplayConfig::default().keep(20).batch(2).max_rendered(4);
        let e = entries(10);
        let mut w = MessageWindow::default();
        assert_eq!(
            shown(&w, &e, &c),
            (9, 10, false),
            "following: the last batch"
        );
        w.scrolled(false, &e, &c);
        for _ in 0..4 {
            w.show_earlier(&e, &c);
        }
        assert_eq!(
            shown(&w, &e, &c),
            (1, 4, true),
            "at the top, later rows not rendered"
        );
        w.show_later(&e, &c);
        assert_eq!(shown(&w, &e, &c), (3, 6, true));
        w.show_later(&e, &c);
        w.show_later(&e, &c);
        assert_eq!(shown(&w, &e, &c), (7, 10, false), "never past the newest");
        w.show_later(&e, &c);
        assert_eq!(shown(&w, &e, &c), (7, 10, false));
    }
}
