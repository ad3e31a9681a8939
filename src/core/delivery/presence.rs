//! Who is in the room, as the server tells a chat that watches it (`watch`): the snapshot
//! after `synced`, then changes, each batch ending with the count. wschat.v1 only: a plain
//! server tells nothing, and the chat shows nothing of it.

use super::envelopes::shown_sender;
use super::people::People;
use super::Delivery;
use crate::core::boundary::Effect;
use crate::core::time::Moment;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use std::rc::Rc;

/// The most people kept: a server lists at most its `--presence-list-max` (100 by default),
/// and one that lists more cannot make the chat hold them all.
pub const MAX_LISTED: usize = 500;

/// The room's people as told, in the order they were first told, and how many there are.
#[derive(Debug)]
pub struct Roster {
    people: People,
    /// How many are in the room; `None` until the server said.
    count: Option<u32>,
}

impl Default for Roster {
    fn default() -> Self {
        Roster {
            people: People::new(MAX_LISTED, None),
            count: None,
        }
    }
}

impl Roster {
    /// `who` is in the room (shown as `name`), or left.
    pub fn heard(&mut self, who: String, name: Rc<str>, here: bool) {
        self.people.heard(who, name, here, Moment::ZERO);
    }

    /// The count that ends every batch; unlisted, the people told before are void.
    pub fn counted(&mut self, count: u32, listed: bool) {
        self.count = Some(count);
        if !listed {
            self.people.clear();
        }
    }

    /// Forgets everything (the connection is gone); whether anything was known.
    pub fn clear(&mut self) -> bool {
        self.people.clear();
        self.count.take().is_some()
    }

    /// What the chat shows.
    pub fn update(&self) -> ChatUpdate {
        ChatUpdate::Presence {
            names: self.people.names(),
            count: self.count,
        }
    }
}

impl Delivery {
    /// A `present`, `absent` or `presence` frame. The screen changes with the count, which
    /// ends every batch, so a snapshot of a hundred people is one update, not a hundred.
    pub(super) fn presence_heard(&mut self, heard: PresenceHeard, out: &mut VecDeque<Effect>) {
        match heard {
            PresenceHeard::Present { who, from, guest } => {
                let name = shown_sender(from, None, guest).unwrap_or_else(|| "Someone".into());
                self.roster.heard(who, name, true);
            }
            PresenceHeard::Absent { who } => self.roster.heard(who, "".into(), false),
            PresenceHeard::Count { count, listed } => {
                self.roster.counted(count, listed);
                out.push_back(Effect::Ui(self.roster.update()));
            }
        }
    }

    /// The connection is gone: who is in the room is unknown until the next one says.
    pub(super) fn presence_lost(&mut self, out: &mut VecDeque<Effect>) {
        if self.roster.clear() {
            out.push_back(Effect::Ui(self.roster.update()));
        }
    }
}

/// A relayed presence frame.
pub(super) enum PresenceHeard {
    Present {
        who: String,
        from: Option<String>,
        guest: bool,
    },
    Absent {
        who: String,
    },
    Count {
        count: u32,
        listed: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(roster: &Roster) -> Vec<String> {
        match roster.update() {
            ChatUpdate::Presence { names, .. } => names.iter().map(|n| n.to_string()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn people_come_are_renamed_go_and_are_bounded() {
        let mut r = Roster::default();
        r.heard("u1".into(), "Ann".into(), true);
        r.heard("u2".into(), "Bob".into(), true);
        r.heard("u1".into(), "Ann B.".into(), true);
        r.heard("u2".into(), "".into(), false);
        r.heard("nobody".into(), "".into(), false);
        r.counted(1, true);
        assert_eq!(names(&r), ["Ann B."]);
        assert_eq!(
            r.update(),
            ChatUpdate::Presence {
                names: vec!["Ann B.".into()],
                count: Some(1)
            }
        );
        r.counted(300, false);
        assert!(names(&r).is_empty());
        for i in 0..10_000 {
            r.heard(format!("u{i}"), "x".into(), true);
        }
        assert_eq!(names(&r).len(), MAX_LISTED);
        assert!(r.clear());
        assert!(!r.clear());
        assert_eq!(
            r.update(),
            ChatUpdate::Presence {
                names: vec![],
                count: None
            }
        );
    }
}
