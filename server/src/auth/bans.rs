//! Kicks and revocations: who is refused, where and until when. Sans-IO: the wall clock is
//! passed in, and what is kept and how it reaches other servers is the store's business (a
//! [`Ban`] travels as the JSON of [`Ban::to_record`]).
//!
//! A kick refuses one user (`sub`) in one room or in all of them, with 4409; a revocation
//! refuses one token (`jti`), or every token of a user issued before a time, with 4401. Both
//! hold until their `until` and are then forgotten: the list prunes itself as it grows, so
//! what it holds is what an administrator asked for that still holds.

use super::refusal::Refusal;
use super::verifier::Identity;
use crate::sync::lock;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;
use ws_chat_protocol::Millis;

/// One kick or revocation, as the admin API makes it and the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ban {
    /// `sub` may not be in `room` (in any room for `None`).
    Kick {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        sub: String,
        until: Millis,
    },
    /// The token whose `jti` this is is refused.
    RevokeToken { jti: String, until: Millis },
    /// Every token of `sub` issued before `issued_before` (seconds since the epoch, as `iat`)
    /// is refused; so is one of `sub` that does not say when it was issued.
    RevokeUser {
        sub: String,
        issued_before: u64,
        until: Millis,
    },
}

impl Ban {
    /// When it stops holding (ms since the epoch).
    pub fn until(&self) -> Millis {
        match self {
            Ban::Kick { until, .. } | Ban::RevokeToken { until, .. } => *until,
            Ban::RevokeUser { until, .. } => *until,
        }
    }

    /// The form the store keeps and publishes.
    pub fn to_record(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A kept record read back; `None` for one this server cannot read.
    pub fn from_record(record: &str) -> Option<Ban> {
        serde_json::from_str(record).ok()
    }
}

/// The kicks and revocations that hold, indexed for the question every `auth` asks.
#[derive(Debug, Default)]
pub struct Bans {
    /// By user: the rooms (`None`: every room) and until when.
    kicks: HashMap<String, Vec<(Option<String>, Millis)>>,
    tokens: HashMap<String, Millis>,
    /// By user: tokens issued before this (seconds) are refused, until when.
    users: HashMap<String, (u64, Millis)>,
    /// Entries added since the last prune: pruning costs a pass over all of them, so it runs
    /// once the list has doubled.
    added: usize,
    kept: usize,
}

impl Bans {
    /// Adds `ban` (one already held is merged: the later `until` wins).
    pub fn add(&mut self, ban: Ban, now: Millis) {
        if ban.until() <= now {
            return;
        }
        match ban {
            Ban::Kick { room, sub, until } => {
                let rooms = self.kicks.entry(sub).or_default();
                match rooms.iter_mut().find(|(r, _)| *r == room) {
                    Some((_, held)) => *held = (*held).max(until),
                    None => rooms.push((room, until)),
                }
            }
            Ban::RevokeToken { jti, until } => {
                let held = self.tokens.entry(jti).or_insert(until);
                *held = (*held).max(until);
            }
            Ban::RevokeUser {
                sub,
                issued_before,
                until,
            } => {
                let held = self.users.entry(sub).or_insert((issued_before, until));
                *held = (held.0.max(issued_before), held.1.max(until));
            }
        }
        self.added += 1;
        if self.added > self.kept.max(64) {
            self.prune(now);
        }
    }

    /// Why `identity` may not be in `room` at `now`, if it may not: revoked (4401, so the
    /// client fetches a fresh token) or kicked (4409, so it stops).
    pub fn refusal(&self, identity: &Identity, room: &str, now: Millis) -> Option<Refusal> {
        let holds = |until: Millis| until > now;
        let revoked = identity
            .jti
            .as_ref()
            .and_then(|jti| self.tokens.get(jti))
            .is_some_and(|until| holds(*until))
            || self
                .users
                .get(&identity.sub)
                .is_some_and(|(before, until)| {
                    holds(*until) && identity.iat.is_none_or(|iat| iat < *before)
                });
        if revoked {
            return Some(Refusal::unauthorized("token revoked"));
        }
        let kicked_until = self
            .kicks
            .get(&identity.sub)?
            .iter()
            .filter(|(r, until)| holds(*until) && r.as_deref().is_none_or(|r| r == room))
            .map(|(_, until)| *until)
            .max()?;
        Some(Refusal::removed(format!(
            "removed by a moderator for {}",
            remaining(kicked_until - now)
        )))
    }

    /// How many kicks and revocations are held (some may have run out).
    pub fn len(&self) -> usize {
        self.kicks.values().map(Vec::len).sum::<usize>() + self.tokens.len() + self.users.len()
    }

    fn prune(&mut self, now: Millis) {
        self.kicks.retain(|_, rooms| {
            rooms.retain(|(_, until)| *until > now);
            !rooms.is_empty()
        });
        self.tokens.retain(|_, until| *until > now);
        self.users.retain(|_, (_, until)| *until > now);
        self.kept = self.len();
        self.added = 0;
    }
}

/// `45 s`, `12 min`, `3 h`, `2 days`: how much longer a kick holds, rounded up.
fn remaining(ms: Millis) -> String {
    let secs = ms.div_ceil(1000);
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs.div_ceil(60)),
        7200..=172_799 => format!("{} h", secs.div_ceil(3600)),
        _ => format!("{} days", secs.div_ceil(86_400)),
    }
}

/// The server's [`Bans`], shared by every connection and the admin API, with a signal that
/// they changed: each signed-in connection then asks whether it is still allowed, so a kick
/// or revocation closes live connections too, not only later ones.
#[derive(Debug)]
pub struct BanList {
    bans: Mutex<Bans>,
    /// Bumped on every change. A watch never lags: a connection that was busy sees one
    /// change however many it missed, and asks once.
    changes: watch::Sender<u64>,
}

impl Default for BanList {
    fn default() -> Self {
        BanList {
            bans: Mutex::default(),
            changes: watch::Sender::new(0),
        }
    }
}

impl BanList {
    pub fn add(&self, ban: Ban, now: Millis) {
        lock(&self.bans).add(ban, now);
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Adds a kept or published record; one that cannot be read is logged and skipped.
    pub fn add_record(&self, record: &str, now: Millis) {
        match Ban::from_record(record) {
            Some(ban) => self.add(ban, now),
            None => tracing::warn!("ignoring an unreadable kick or revocation record"),
        }
    }

    pub fn refusal(&self, identity: &Identity, room: &str, now: Millis) -> Option<Refusal> {
        lock(&self.bans).refusal(identity, room, now)
    }

    /// Changes from now on.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }
}
