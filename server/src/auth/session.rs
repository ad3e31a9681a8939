//! One connection's sign-in state: whether it has shown a token, whether that token still
//! holds, and what it may do in its room. Sans-IO: the wall clock (token times are wall-clock
//! times) is passed in, and the connection asks [`Session::poll_timeout`] when to call
//! [`Session::handle_timeout`].

use super::bans::BanList;
use super::refusal::Refusal;
use super::verifier::{Identity, Verifier};
use super::Rights;
use std::sync::Arc;
use std::time::Duration;
use ws_chat_protocol::{Millis, ServerFrame};

/// What a connection without a token may do (`--anonymous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Guests {
    /// Nothing: a token within the sign-in deadline, or the connection is closed (4401).
    None,
    /// Read the room, not post.
    Read,
    /// Read and post: the server as it was before tokens.
    Post,
}

/// The sign-in rules of every connection, from the flags.
#[derive(Debug)]
pub struct SessionRules {
    /// `None`: no key configured, tokens are not checked, everyone is a guest.
    pub verifier: Option<Verifier>,
    pub guests: Guests,
    /// How long a connection that must sign in has to send `auth`.
    pub auth_timeout: Duration,
    /// How long past its `exp` a token still holds on an open connection, for its refresh to
    /// arrive.
    pub expiry_grace: Duration,
    /// Kicks and revocations, asked at every `auth` and whenever they change.
    pub bans: Arc<BanList>,
}

impl SessionRules {
    /// Whether a plain-text peer, which has no way to send a token, may connect at all.
    pub fn admits_plain_peers(&self) -> bool {
        self.guests != Guests::None
    }
}

/// What becomes of a message a member tries to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostVerdict {
    Allowed,
    /// `reject {id, reason}`: the connection stays.
    Rejected(String),
    /// The connection must go (it never signed in where it has to).
    Closed(Refusal),
}

/// One connection's sign-in state, in one room.
#[derive(Debug)]
pub struct Session {
    rules: Arc<SessionRules>,
    room: String,
    identity: Option<Identity>,
    /// When a connection that must sign in and has not is closed.
    auth_due: Option<Millis>,
}

impl Session {
    /// A connection to `room` opened at `now`.
    pub fn new(rules: Arc<SessionRules>, room: &str, now: Millis) -> Session {
        let auth_due = (rules.guests == Guests::None).then(|| now + millis(rules.auth_timeout));
        Session {
            rules,
            room: room.to_owned(),
            identity: None,
            auth_due,
        }
    }

    /// Whether a plain-text peer (which has no way to send a token) may stay.
    pub fn admits_plain_peers(&self) -> bool {
        self.rules.admits_plain_peers()
    }

    /// Answers `auth {token}` at `now`: `authed`, or an `error` where the server checks no
    /// tokens (the connection stays a guest), or the refusal that closes the connection.
    pub fn on_auth(&mut self, token: &str, now: Millis) -> Result<ServerFrame, Refusal> {
        let Some(verifier) = &self.rules.verifier else {
            return Ok(ServerFrame::Error {
                id: None,
                reason: "this server checks no tokens: the connection stays a guest".into(),
            });
        };
        let identity = verifier.verify(token).map_err(Refusal::unauthorized)?;
        if let Some(current) = &self.identity {
            if current.sub != identity.sub {
                return Err(Refusal::forbidden(
                    "a refreshed token must be for the same user",
                ));
            }
        }
        if !identity.rooms.in_room(&self.room).any() {
            return Err(Refusal::forbidden("not allowed in this room"));
        }
        if let Some(refusal) = self.rules.bans.refusal(&identity, &self.room, now) {
            return Err(refusal);
        }
        let authed = ServerFrame::Authed {
            sub: identity.sub.clone(),
            name: identity.name.clone(),
            exp: identity.exp,
        };
        self.identity = Some(identity);
        self.auth_due = None;
        Ok(authed)
    }

    /// Whether `hello` (catch-up and live delivery) is allowed.
    pub fn may_read(&self) -> Result<(), Refusal> {
        match (&self.identity, self.rules.guests) {
            (Some(_), _) if self.rights().read => Ok(()),
            (Some(_), _) => Err(Refusal::forbidden("this token may not read this room")),
            (None, Guests::None) => Err(sign_in_first()),
            (None, Guests::Read | Guests::Post) => Ok(()),
        }
    }

    /// Whether a message may be posted.
    pub fn may_post(&self) -> PostVerdict {
        match (&self.identity, self.rules.guests) {
            (Some(_), _) if self.rights().post => PostVerdict::Allowed,
            (Some(_), _) => PostVerdict::Rejected("this token may not post in this room".into()),
            (None, Guests::None) => PostVerdict::Closed(sign_in_first()),
            (None, Guests::Read) => {
                PostVerdict::Rejected("guests may not post here: sign in to post".into())
            }
            (None, Guests::Post) => PostVerdict::Allowed,
        }
    }

    /// Whether messages may be deleted: only with a token granting `moderate` in this room
    /// (guests never may). The reason is for an `error` frame; the connection stays.
    pub fn may_moderate(&self) -> Result<(), String> {
        match &self.identity {
            Some(_) if self.rights().moderate => Ok(()),
            Some(_) => Err("this token may not delete messages in this room".into()),
            None => Err("only a signed-in moderator may delete messages".into()),
        }
    }

    /// The name this connection's messages carry: the token's, once signed in (the name a
    /// client offers in `hello` is then ignored), or the one offered.
    pub fn name(&self, offered: Option<String>) -> Option<String> {
        match &self.identity {
            Some(identity) => identity.name.clone(),
            None => offered,
        }
    }

    /// Whether this server checks tokens at all: without, nobody is signed in and nobody is
    /// a guest.
    pub fn checks_tokens(&self) -> bool {
        self.rules.verifier.is_some()
    }

    /// The signed-in user, if any.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// When [`Session::handle_timeout`] must be called: the sign-in deadline, or the end of
    /// the token's grace.
    pub fn poll_timeout(&self) -> Option<Millis> {
        match &self.identity {
            Some(identity) => Some(
                identity
                    .exp
                    .saturating_mul(1000)
                    .saturating_add(millis(self.rules.expiry_grace)),
            ),
            None => self.auth_due,
        }
    }

    /// The refusal due at `now`, if one is.
    pub fn handle_timeout(&mut self, now: Millis) -> Option<Refusal> {
        let due = self.poll_timeout()?;
        if now < due {
            return None;
        }
        Some(match self.identity {
            Some(_) => Refusal::unauthorized("token expired and no fresh one came"),
            None => Refusal::unauthorized(format!(
                "no token within {}",
                spoken(self.rules.auth_timeout)
            )),
        })
    }

    /// Why this connection may no longer stay, now that the kicks and revocations changed:
    /// its user kicked from its room, or its token revoked. Guests are never kicked (a kick
    /// names a user).
    pub fn banned(&self, now: Millis) -> Option<Refusal> {
        let identity = self.identity.as_ref()?;
        self.rules.bans.refusal(identity, &self.room, now)
    }

    /// Changes to the kicks and revocations, for a connection to wait on.
    pub fn ban_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.rules.bans.watch()
    }

    fn rights(&self) -> Rights {
        self.identity
            .as_ref()
            .map_or(Rights::default(), |i| i.rooms.in_room(&self.room))
    }
}

fn sign_in_first() -> Refusal {
    Refusal::unauthorized("this server needs a token: send auth first")
}

/// `10 s`, `500 ms`: a flag's duration as a close reason says it.
fn spoken(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}
