//! The delivery's side of signing in: the token sent with `auth` (before `hello`, and again on
//! a refresh), and the server's `authed`, kept for the engine.

use super::{Delivery, Negotiation};
use crate::core::boundary::Effect;
use crate::core::sign_in::Token;
use std::collections::VecDeque;
use ws_chat_protocol::{ClientFrame, Millis};

/// A server's `authed`, and when it came (the wall clock, ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAnswer {
    pub sub: String,
    pub name: Option<String>,
    /// When the token runs out, in seconds since the epoch.
    pub exp: u64,
    pub wall_ms: Millis,
}

impl Delivery {
    /// The token the next connection signs in with (`None`: as a guest).
    pub fn set_token(&mut self, token: Option<Token>) {
        self.token = token;
    }

    /// A fresh token for the open connection: sent with `auth` if it speaks wschat.v1 (no
    /// reconnect, nothing lost), kept for the next connection either way.
    pub fn refresh_token(&mut self, token: Token, out: &mut VecDeque<Effect>) {
        if self.negotiation == Some(Negotiation::Envelopes) {
            out.push_back(Effect::Send(auth_frame(&token)));
        }
        self.token = Some(token);
    }

    /// What the server's latest `authed` said, once.
    pub fn take_authed(&mut self) -> Option<SignInAnswer> {
        self.authed.take()
    }

    /// The `auth` frame for the current token, if there is one.
    pub(super) fn auth(&self) -> Option<String> {
        self.token.as_ref().map(auth_frame)
    }

    /// The server signed us in as `answer.sub`.
    pub(super) fn signed_in(&mut self, answer: SignInAnswer) {
        self.own_user = Some(answer.sub.clone());
        self.authed = Some(answer);
    }

    /// Whether a message sent by `user` can be one of ours.
    pub(super) fn is_own(&self, user: Option<&str>) -> bool {
        self.own_user.as_deref() == user
    }
}

fn auth_frame(token: &Token) -> String {
    ClientFrame::Auth {
        token: token.as_str().to_owned(),
    }
    .encode()
}
