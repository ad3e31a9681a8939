//! Who is in a room, decided without I/O: the users this server holds in it (with a grace
//! after their last connection leaves, so a reload is no leave), and what one room's members
//! here were last told, from which the frames that bring them up to date follow. Time is
//! passed in.
//!
//! A user is one entry however many connections it has: a signed-in user by its id, anyone
//! else by its connection (see [`Person::who`]). The roster a room's members are told is this
//! server's users, or with a shared store every server's (see [`crate::rooms::Registry`]'s
//! presence sweep).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use ws_chat_protocol::{Millis, ServerFrame};

/// How long a user whose last connection left is still counted in: a reload comes back well
/// within it, so the others see no leave and no join.
pub const LEAVE_GRACE_MS: Millis = 3_000;

/// A user as the room's members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The user id when signed in; else `guest:<server>.<connection>`.
    #[serde(rename = "w")]
    pub who: String,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(rename = "g", default, skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
}

/// A person as one server shares it with the others: with that server's number, so that two
/// servers holding one user keep an entry each (and each removes only its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedEntry {
    #[serde(rename = "s")]
    pub server: u64,
    #[serde(flatten)]
    pub person: Person,
}

impl SharedEntry {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for an entry that is not one (another program's key, a damaged value).
    pub fn decode(entry: &str) -> Option<SharedEntry> {
        serde_json::from_str(entry).ok()
    }
}

/// The users this server holds in one room.
#[derive(Debug, Default)]
pub struct LocalPresence {
    users: HashMap<String, Local>,
}

#[derive(Debug)]
struct Local {
    person: Person,
    conns: u32,
    /// When its last connection left; `None` while it has one.
    left_at: Option<Millis>,
}

impl LocalPresence {
    /// A connection of `person` is in the room (its latest name counts).
    pub fn join(&mut self, person: Person) {
        let local = self
            .users
            .entry(person.who.clone())
            .or_insert_with(|| Local {
                person: person.clone(),
                conns: 0,
                left_at: None,
            });
        local.person = person;
        local.conns += 1;
        local.left_at = None;
    }

    /// A connection of `who` left at `now`.
    pub fn leave(&mut self, who: &str, now: Millis) {
        if let Some(local) = self.users.get_mut(who) {
            local.conns = local.conns.saturating_sub(1);
            if local.conns == 0 {
                local.left_at = Some(now);
            }
        }
    }

    /// Who is in the room at `now`, by `who`; those gone longer than the grace are forgotten.
    pub fn present(&mut self, now: Millis) -> Vec<Person> {
        self.users.retain(|_, local| {
            local
                .left_at
                .is_none_or(|left| now.saturating_sub(left) < LEAVE_GRACE_MS)
        });
        let mut people: Vec<Person> = self.users.values().map(|l| l.person.clone()).collect();
        people.sort_by(|a, b| a.who.cmp(&b.who));
        people
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

/// What a room's members on this server were last told.
#[derive(Debug)]
pub struct Told {
    people: BTreeMap<String, Person>,
    count: u32,
    listed: bool,
}

impl Default for Told {
    fn default() -> Self {
        Told {
            people: BTreeMap::new(),
            count: 0,
            listed: true,
        }
    }
}

impl Told {
    /// The frames that take the members from what they were told to `roster` (one entry per
    /// `who`), listing each person while there are at most `max_listed`.
    pub fn update(&mut self, roster: Vec<Person>, max_listed: usize) -> Vec<ServerFrame> {
        let mut now: BTreeMap<String, Person> = BTreeMap::new();
        for person in roster {
            now.entry(person.who.clone()).or_insert(person);
        }
        let count = u32::try_from(now.len()).unwrap_or(u32::MAX);
        let listed = now.len() <= max_listed;
        let mut frames = Vec::new();
        if listed {
            // Coming back to a list, the members have none: everyone is new to them.
            let before = if self.listed {
                std::mem::take(&mut self.people)
            } else {
                BTreeMap::new()
            };
            for who in before.keys().filter(|who| !now.contains_key(*who)) {
                frames.push(ServerFrame::Absent { who: who.clone() });
            }
            for person in now.values().filter(|p| before.get(&p.who) != Some(*p)) {
                frames.push(present(person));
            }
            self.people = now;
        } else {
            self.people.clear();
        }
        if !frames.is_empty() || count != self.count || listed != self.listed {
            frames.push(ServerFrame::Presence { count, listed });
        }
        self.count = count;
        self.listed = listed;
        frames
    }

    /// Everything a member that just went live needs: each person (while listed) and the count.
    pub fn snapshot(&self) -> Vec<ServerFrame> {
        let mut frames: Vec<ServerFrame> = if self.listed {
            self.people.values().map(present).collect()
        } else {
            Vec::new()
        };
        frames.push(ServerFrame::Presence {
            count: self.count,
            listed: self.listed,
        });
        frames
    }
}

fn present(person: &Person) -> ServerFrame {
    ServerFrame::Present {
        who: person.who.clone(),
        from: person.from.clone(),
        guest: person.guest,
    }
}

#[cfg(test)]
#[path = "presence_tests.rs"]
mod tests;
