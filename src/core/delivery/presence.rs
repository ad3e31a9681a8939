//! Who is in the room, as the server tells a chat that watches it (`watch`): the snapshot
//! after `synced`, then changes, each batch ending with the count. wschat.v1 only: a plain
//! server tells nothing, and the chat shows nothing of it.

use super::envelopes::shown_sender;
use super::Delivery;
use crate::core::boundary::Effect;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use std::rc::Rc;

/// The most people kept: a server lists at most its `--presence-list-max` (100 by default),
/// and one that lists more cannot make the chat hold them all.
pub const MAX_LISTED: usize = 500;

/// The room's people as told, in the order they were first told.
#[derive(Debug, Default)]
pub struct Roster {
    people: Vec<(String, Rc<str>)>,
    /// How many are in the room; `None` until the server said.
    count: Option<u32>,
}

impl Roster {
    /// `who` is in the room, shown as `name`.
    pub fn present(&mut self, who: String, name: Rc<str>) {
        let full = self.people.len() >= MAX_LISTED;
        match self.people.iter_mut().find(|(w, _)| *w == who) {
            Some(person) => person.1 = name,
            None if !full => self.people.push((who, name)),
            None => {}
        }
    }

    pub fn absent(&mut self, who: &str) {
        self.people.retain(|(w, _)| w != who);
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
        let known = self.count.is_some();
        *self = Roster::default();
        known
    }

    /// What the chat shows.
    pub fn update(&self) -> ChatUpdate {
        ChatUpdate::Presence {
            names: self.people.iter().map(|(_, name)| name.clone()).collect(),
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
                self.roster.present(who, name);
            }
            PresenceHeard::Absent { who } => self.roster.absent(&who),
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
        r.present("u1".into(), "Ann".into());
        r.present("u2".into(), "Bob".into());
        r.present("u1".into(), "Ann B.".into());
        r.absent("u2");
        r.absent("nobody");
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
            r.present(format!("u{i}"), "x".into());
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
