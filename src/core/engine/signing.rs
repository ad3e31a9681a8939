//! The engine's side of signing in: a fetched token connects or refreshes, the server's
//! `authed` schedules the next refresh, and the sign-in close codes decide between fetching a
//! new token and stopping (see [`crate::core::sign_in`]).

use super::Engine;
use crate::core::boundary::Effect;
use crate::core::delivery::Delivery;
use crate::core::reconnect::{Input, Phase};
use crate::core::sign_in::{with_token_param, FetchOutcome, SignedInUser, Token};
use crate::core::time::Moment;
use crate::core::view::update::ChatUpdate;
use ws_chat_protocol::close_code::{FORBIDDEN, REMOVED, UNAUTHORIZED};

impl Engine {
    pub(super) fn token_fetched(
        &mut self,
        ticket: u32,
        result: Result<String, String>,
        now: Moment,
    ) {
        match self.sign_in.token_fetched(ticket, result, now) {
            FetchOutcome::Connect(token) => {
                if matches!(self.reconnect.phase(), Phase::Connecting { .. }) {
                    self.connect(Some(token));
                }
            }
            FetchOutcome::Failed(reason) => {
                let reason = format!("no token: {reason}");
                self.reconnect.handle(Input::SignedOut { reason }, now);
            }
            FetchOutcome::Refresh(token) => self.delivery.refresh_token(token, &mut self.effects),
            FetchOutcome::Nothing => {}
        }
    }

    /// The socket closed with `code`. A refused token (4401) is retried with a new one, when
    /// the chat's source can give one; not being allowed (4403) or being removed (4409) stop
    /// the chat (the close policy's 4000–4999), and nothing is fetched any more.
    pub(super) fn closed(&mut self, code: u16, reason: String, now: Moment) {
        if code == UNAUTHORIZED && self.sign_in.refused() {
            let reason = if reason.is_empty() {
                "the server refused the token".to_owned()
            } else {
                reason
            };
            self.reconnect.handle(Input::SignedOut { reason }, now);
            return;
        }
        if matches!(code, UNAUTHORIZED | FORBIDDEN | REMOVED) {
            self.sign_in.signed_out();
        } else {
            self.sign_in.connection_ended();
        }
        self.reconnect.handle(Input::Closed { code, reason }, now);
    }

    /// The server's `authed`, if one just came: who we are, and when the token runs out.
    pub(super) fn take_authed(&mut self, now: Moment) {
        if let Some(authed) = self.delivery.take_authed() {
            let user = SignedInUser {
                sub: authed.sub,
                name: authed.name,
            };
            self.sign_in.authed(user, authed.exp, authed.wall_ms, now);
        }
    }

    /// Opens a socket to the current server, signing in with `token`.
    pub(super) fn connect(&mut self, token: Option<Token>) {
        let server = self.reconnect.server();
        let Some(mut url) = self.current_url().map(str::to_owned) else {
            return;
        };
        if let (Some(param), Some(token)) = (self.sign_in.token_param(), &token) {
            url = with_token_param(&url, param, token.as_str());
        }
        self.delivery.set_token(token);
        let effect = if self.handshakes.offers(server) {
            self.delivery.offering();
            Effect::Connect {
                url,
                protocols: Delivery::protocols(),
            }
        } else {
            Effect::Connect {
                url: self.delivery.in_band_url(&url, self.nonces.next_u64()),
                protocols: Vec::new(),
            }
        };
        self.effects.push_back(effect);
    }

    /// Tells the UI who the chat is signed in as, when that changes.
    pub(super) fn show_user(&mut self) {
        if let Some(user) = self.sign_in.take_user_change() {
            self.effects.push_back(Effect::Ui(ChatUpdate::User(user)));
        }
    }
}
