//! Who is in each room on this server: the users it holds per room, what it last shared of
//! them, and what each room's members were last told. The sweep (`sweep`) moves them along;
//! a member that goes live gets the whole of what was told first ([`PresenceBook::snapshot`]).

use super::presence::{LocalPresence, Person, SharedEntry, Told};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Mutex;
use ws_chat_protocol::{Millis, ServerFrame};

/// What a sweep shares of one room: this server's users now, its entries for them (with the
/// server's number `node`), and its entries from the last sweep that no longer hold.
pub struct ToShare {
    pub people: Vec<Person>,
    pub keep: Vec<String>,
    pub drop: Vec<String>,
}

/// One room's presence on this server.
#[derive(Debug, Default)]
struct RoomPresence {
    local: LocalPresence,
    /// The entries this server last wrote to a shared store, to remove those it no longer holds.
    written: Vec<String>,
    told: Told,
}

/// Every room's presence on this server.
#[derive(Debug)]
pub struct PresenceBook {
    rooms: Mutex<HashMap<String, RoomPresence>>,
    /// Rooms with more users than this tell only how many.
    max_listed: usize,
}

impl PresenceBook {
    pub fn new(max_listed: usize) -> PresenceBook {
        PresenceBook {
            rooms: Mutex::default(),
            max_listed,
        }
    }

    /// A connection of `person` is in `room`.
    pub fn join(&self, room: &str, person: Person) {
        lock(&self.rooms)
            .entry(room.to_owned())
            .or_default()
            .local
            .join(person);
    }

    /// A connection of `who` left `room` at `now`.
    pub fn leave(&self, room: &str, who: &str, now: Millis) {
        if let Some(presence) = lock(&self.rooms).get_mut(room) {
            presence.local.leave(who, now);
        }
    }

    /// What the members of `room` were last told, as frames for one that just went live.
    pub fn snapshot(&self, room: &str) -> Vec<ServerFrame> {
        match lock(&self.rooms).get(room) {
            Some(presence) => presence.told.snapshot(),
            None => Told::default().snapshot(),
        }
    }
}

impl PresenceBook {
    /// The rooms with presence kept here.
    pub fn rooms(&self) -> Vec<String> {
        lock(&self.rooms).keys().cloned().collect()
    }

    /// What to share of `room` at `now`, by server number `node`.
    pub fn to_share(&self, room: &str, node: u64, now: Millis) -> Option<ToShare> {
        let mut rooms = lock(&self.rooms);
        let presence = rooms.get_mut(room)?;
        let people = presence.local.present(now);
        let keep: Vec<String> = people
            .iter()
            .map(|person| {
                let person = person.clone();
                SharedEntry {
                    server: node,
                    person,
                }
                .encode()
            })
            .collect();
        let drop = presence
            .written
            .iter()
            .filter(|e| !keep.contains(e))
            .cloned()
            .collect();
        Some(ToShare { people, keep, drop })
    }

    /// `keep` was shared and `roster` is everyone in `room`: the frames that tell its members.
    /// A room with nobody here and nothing shared is forgotten.
    pub fn shared(&self, room: &str, keep: Vec<String>, roster: Vec<Person>) -> Vec<ServerFrame> {
        let mut rooms = lock(&self.rooms);
        let Some(presence) = rooms.get_mut(room) else {
            return Vec::new();
        };
        presence.written = keep;
        let frames = presence.told.update(roster, self.max_listed);
        if presence.local.is_empty() && presence.written.is_empty() {
            rooms.remove(room);
        }
        frames
    }
}
