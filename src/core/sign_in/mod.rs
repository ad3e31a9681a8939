//! Signing in: which token the next connection carries, when a fresh one is fetched, and what
//! a refused token means. Sans-IO like the rest of the core: the engine asks before each
//! attempt ([`SignIn::before_connect`]), hands over what a fetch returned
//! ([`SignIn::token_fetched`]) and what the server said (`authed`, a 4401 close), and the
//! refresh runs on [`SignIn::poll_timeout`] / [`SignIn::handle_timeout`].
//!
//! A token from a source (a token URL, a script's `getToken`, a Rust provider) is fetched
//! before the first attempt, again at about 80% of its lifetime while connected (then sent
//! with `auth` on the open connection: no reconnect), and always after the server refused it:
//! clients that retry for ever with a stale token are the commonest complaint about chat
//! SDKs. A fixed token is used as it is. Fetches never overlap, and a late answer to a fetch
//! that was given up is dropped by its ticket.

mod config;
mod source;
mod token_url;

use crate::core::rng::Rng;
use crate::core::time::Moment;
pub use config::{SignInConfig, Token, TokenSupply};
pub use source::{TokenFuture, TokenProvider, TokenSource};
use std::time::Duration;
pub use token_url::with_token_param;

/// The share of a token's remaining lifetime after which a fresh one is fetched, in
/// thousandths, and how far (either way) a chat's moment is moved at random, so that chats
/// signed in together do not all ask the token endpoint at once. Whole numbers: converting a
/// float to a `Duration` would add its checks to the wasm.
const REFRESH_PER_MILLE: u64 = 800;
const REFRESH_JITTER_PER_MILLE: u64 = 50;
/// After a failed refresh, the first wait before the next; it doubles up to 32 times this.
const REFRESH_RETRY: Duration = Duration::from_secs(2);
/// The shortest wait before a refresh, whatever the token says: a clock far ahead of the
/// server's makes every token look expired, and must not make the chat fetch in a loop.
const MIN_REFRESH_MS: u64 = 2_000;

/// What [`SignIn::before_connect`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeforeConnect {
    /// Connect now, with this token (`None`: as a guest).
    Ready(Option<Token>),
    /// Wait for a token; `Some`: fetch one with this ticket (`None`: one is on its way).
    Fetch(Option<u32>),
}

/// What a finished fetch means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// A connection was waiting for it: connect with it now.
    Connect(Token),
    /// A connection waited for it, and the source failed: that attempt failed.
    Failed(String),
    /// A refresh: send it on the open connection.
    Refresh(Token),
    /// Nothing to do now (a failed refresh is retried later, a stale ticket ignored).
    Nothing,
}

/// The user the server signed this chat in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInUser {
    /// The user id (the token's `sub`).
    pub sub: String,
    /// The name the server shows for this user, if the token has one.
    pub name: Option<String>,
}

#[derive(Debug)]
pub struct SignIn {
    config: SignInConfig,
    rng: Rng,
    /// The latest token a source gave (for a fixed supply, see [`SignInConfig::supply`]).
    token: Option<Token>,
    /// The server signed this connection in: refreshes run only then.
    connected: bool,
    /// The server refused [`Self::token`], or it expired: the next attempt needs a new one.
    stale: bool,
    /// The ticket of the fetch under way.
    fetching: Option<u32>,
    last_ticket: u32,
    /// An attempt waits for the fetch under way.
    connect_waiting: bool,
    /// When the token runs out, by the server's `authed`.
    expires_at: Option<Moment>,
    refresh_at: Option<Moment>,
    refresh_failures: u32,
    user: Option<SignedInUser>,
    /// [`Self::user`] changed since [`SignIn::take_user_change`] last said so: the UI is told
    /// only then, not on every event.
    user_changed: bool,
}

impl SignIn {
    pub fn new(config: SignInConfig, seed: u64) -> Self {
        Self {
            config,
            rng: Rng::new(seed),
            token: None,
            connected: false,
            stale: false,
            fetching: None,
            last_ticket: 0,
            connect_waiting: false,
            expires_at: None,
            refresh_at: None,
            refresh_failures: 0,
            user: None,
            user_changed: false,
        }
    }

    /// The query parameter a token travels in, if it does.
    pub fn token_param(&self) -> Option<&str> {
        match self.config.supply {
            TokenSupply::None => None,
            _ => self.config.token_param.as_deref(),
        }
    }

    /// An attempt is about to connect: with which token, or after which fetch.
    pub fn before_connect(&mut self, now: Moment) -> BeforeConnect {
        let reusable = match &self.config.supply {
            TokenSupply::None => return BeforeConnect::Ready(None),
            TokenSupply::Fixed(token) => {
                return BeforeConnect::Ready(Some(Token::new(token.clone())))
            }
            TokenSupply::Fetched => {
                let expired = self.expires_at.is_some_and(|at| now >= at);
                !self.stale && !expired && self.config.token_param.is_none()
            }
        };
        match &self.token {
            Some(token) if reusable => BeforeConnect::Ready(Some(token.clone())),
            _ => {
                self.connect_waiting = true;
                BeforeConnect::Fetch(self.start_fetch())
            }
        }
    }

    /// A fetch came back.
    pub fn token_fetched(
        &mut self,
        ticket: u32,
        result: Result<String, String>,
        now: Moment,
    ) -> FetchOutcome {
        if self.fetching != Some(ticket) {
            return FetchOutcome::Nothing;
        }
        self.fetching = None;
        let waiting = std::mem::take(&mut self.connect_waiting);
        match result {
            Ok(token) if !token.is_empty() => {
                let token = Token::new(token);
                self.token = Some(token.clone());
                self.stale = false;
                self.refresh_failures = 0;
                // A fresh token's lifetime is unknown until the server reads it.
                self.expires_at = None;
                if waiting {
                    FetchOutcome::Connect(token)
                } else {
                    FetchOutcome::Refresh(token)
                }
            }
            failed => {
                let reason = failed
                    .err()
                    .unwrap_or_else(|| "it gave an empty token".into());
                if waiting {
                    return FetchOutcome::Failed(reason);
                }
                log::warn!("token refresh failed: {reason}");
                if !self.connected {
                    return FetchOutcome::Nothing;
                }
                let delay = REFRESH_RETRY * (1 << self.refresh_failures.min(5));
                self.refresh_failures = self.refresh_failures.saturating_add(1);
                let retry = now.saturating_add(delay);
                // Past the expiry the server closes with 4401, and the next attempt fetches.
                self.refresh_at = match self.expires_at {
                    Some(at) if retry >= at => None,
                    _ => Some(retry),
                };
                FetchOutcome::Nothing
            }
        }
    }

    /// The server signed this connection in (`authed`), at `now` and `wall_ms` (the wall
    /// clock, ms since the epoch); the token runs out at `exp` (seconds since the epoch).
    pub fn authed(&mut self, user: SignedInUser, exp: u64, wall_ms: u64, now: Moment) {
        let left_ms = exp.saturating_mul(1_000).saturating_sub(wall_ms);
        self.expires_at = Some(now.saturating_add(Duration::from_millis(left_ms)));
        self.set_user(Some(user));
        self.connected = true;
        if self.config.supply == TokenSupply::Fetched && self.fetching.is_none() {
            let jitter = self.rng.next_u64() % (2 * REFRESH_JITTER_PER_MILLE + 1);
            let per_mille = REFRESH_PER_MILLE - REFRESH_JITTER_PER_MILLE + jitter;
            // In whole ms; a lifetime too long to multiply is far beyond any token's.
            let wait = (left_ms.saturating_mul(per_mille) / 1_000).max(MIN_REFRESH_MS);
            self.refresh_at = Some(now.saturating_add(Duration::from_millis(wait)));
        }
    }

    /// The server refused the token (4401). Whether a new one can be had: only a source can
    /// give one; a fixed token would be refused again.
    pub fn refused(&mut self) -> bool {
        self.stale = true;
        self.set_user(None);
        // A refresh under way can only bring a token the next attempt fetches anyway; one
        // that never answers must not hold that attempt.
        self.fetching = None;
        self.connection_ended();
        self.config.supply == TokenSupply::Fetched
    }

    /// The connection (or the attempt) is over: no refresh runs without one. A fetch an
    /// attempt was waiting for is given up, so a source that never answers cannot hold every
    /// later attempt too.
    pub fn connection_ended(&mut self) {
        self.refresh_at = None;
        self.connected = false;
        if std::mem::take(&mut self.connect_waiting) {
            self.fetching = None;
        }
    }

    /// Signed out for good (a stop: removed, not allowed, or by the user).
    pub fn signed_out(&mut self) {
        self.set_user(None);
        self.fetching = None;
        self.connection_ended();
    }

    #[cfg(test)]
    pub fn user(&self) -> Option<&SignedInUser> {
        self.user.as_ref()
    }

    /// The signed-in user, if it changed since the last call.
    pub fn take_user_change(&mut self) -> Option<Option<SignedInUser>> {
        std::mem::take(&mut self.user_changed).then(|| self.user.clone())
    }

    fn set_user(&mut self, user: Option<SignedInUser>) {
        if self.user != user {
            self.user = user;
            self.user_changed = true;
        }
    }

    pub fn poll_timeout(&self) -> Option<Moment> {
        self.refresh_at
    }

    /// A refresh that is due: fetch with the returned ticket.
    pub fn handle_timeout(&mut self, now: Moment) -> Option<u32> {
        if self.refresh_at.is_none_or(|at| now < at) {
            return None;
        }
        self.refresh_at = None;
        self.start_fetch()
    }

    /// A new fetch's ticket, or `None` while one is under way.
    fn start_fetch(&mut self) -> Option<u32> {
        if self.fetching.is_some() {
            return None;
        }
        self.last_ticket = self.last_ticket.wrapping_add(1);
        self.fetching = Some(self.last_ticket);
        self.fetching
    }
}

#[cfg(test)]
mod tests;
