//! What the status element says about a [`Phase`]: the DOM contract's `data-state` and the text
//! a person reads, with a live countdown while waiting.
//!
//! With several servers (see [`crate::core::reconnect::failover`]) the text names the one being connected to
//! or in use, so a person can see a failover happen; with one, the text stays as short as it
//! was. Either way `server` carries its `host[:port]`, for the `data-server` attribute.
//!
//! The countdown is kept apart from the rest of the text: the rest is announced to screen
//! readers when it changes (a live region), and a countdown would be announced every second.

use crate::core::reconnect::close_code::describe;
use crate::core::reconnect::{Phase, StopReason};
use crate::core::sign_in::SignedInUser;
use crate::core::time::Moment;
use std::rc::Rc;
use ws_chat_protocol::close_code::{FORBIDDEN, REMOVED, UNAUTHORIZED};
use ws_chat_protocol::PLAIN_SUBPROTOCOL;

/// The server a chat is on or tries next, as the status line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerShown {
    /// Its `host[:port]`.
    pub label: Rc<str>,
    /// The chat lists several servers, so the text names the one in use.
    pub one_of_several: bool,
}

/// The status line, as the built-in UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    /// `connecting` / `open` / `reconnecting` / `offline` / `closed`.
    pub state: &'static str,
    /// What changed: announced to screen readers.
    pub text: String,
    /// `, retrying in N s` while waiting: shown after `text`, never announced.
    pub countdown: Option<String>,
    /// Show "Reconnect now".
    pub can_retry_now: bool,
    /// The Disconnect/Connect toggle shows "Connect".
    pub stopped: bool,
    /// The `host[:port]` connected to, being connected to, or tried next; `None` when stopped
    /// or offline.
    pub server: Option<Rc<str>>,
    /// The signed-in user's id, for `data-user`: only while the connection is open (see
    /// [`StatusView::signed_in_as`]).
    pub user: Option<String>,
}

impl StatusView {
    /// The status line for `phase`, on `server`, at `now` (for the countdown).
    pub fn new(phase: &Phase, server: Option<&ServerShown>, now: Moment) -> Self {
        let mut countdown = None;
        let named = server.filter(|s| s.one_of_several);
        let to = named.map_or(String::new(), |s| format!(" to {}", s.label));
        let (state, text) = match phase {
            Phase::Connecting { attempt: 0 } => ("connecting", format!("Connecting{to}…")),
            Phase::Connecting { attempt } => (
                "reconnecting",
                format!("Reconnecting{to} (attempt {attempt})…"),
            ),
            Phase::Open => ("open", format!("Connected{to}")),
            Phase::Waiting {
                attempt,
                retry_at,
                last_close,
            } => {
                let secs = retry_at.saturating_duration_since(now).as_secs_f64().ceil() as u64;
                let lost = match last_close {
                    Some((UNAUTHORIZED, reason)) => signed_out(reason),
                    Some((code, reason)) => {
                        format!("Connection lost ({})", close_text(*code, reason))
                    }
                    None => "Connection lost".to_owned(),
                };
                countdown = Some(format!(", retrying in {secs} s"));
                ("reconnecting", format!("{lost}; attempt {attempt}"))
            }
            Phase::Offline => ("offline", "Offline: waiting for the network".to_owned()),
            Phase::Stopped(StopReason::User) => ("closed", "Disconnected".to_owned()),
            Phase::Stopped(StopReason::Refused { code, reason }) => {
                ("closed", refused_text(*code, reason))
            }
            Phase::Stopped(StopReason::GaveUp { attempts }) => (
                "closed",
                format!("Gave up after {attempts} failed attempts"),
            ),
            Phase::Stopped(StopReason::Unusable { reason }) => {
                ("closed", format!("Cannot connect: {reason}"))
            }
        };
        Self {
            state,
            text,
            countdown,
            can_retry_now: matches!(
                phase,
                Phase::Waiting { .. }
                    | Phase::Offline
                    | Phase::Stopped(StopReason::Refused { .. } | StopReason::GaveUp { .. })
            ),
            stopped: matches!(phase, Phase::Stopped(_)),
            server: server
                .filter(|_| {
                    matches!(
                        phase,
                        Phase::Connecting { .. } | Phase::Open | Phase::Waiting { .. }
                    )
                })
                .map(|s| s.label.clone()),
            user: None,
        }
    }
}

/// Why the server said no, for the sign-in codes in words a user understands.
fn refused_text(code: u16, reason: &str) -> String {
    let said = |what: &str| match reason {
        "" => what.to_owned(),
        _ => format!("{what} ({reason})"),
    };
    match code {
        UNAUTHORIZED => signed_out(reason),
        FORBIDDEN => said("Not allowed in this room"),
        REMOVED => said("Removed from this room"),
        _ => format!("Closed by the server: {}", close_text(code, reason)),
    }
}

fn signed_out(reason: &str) -> String {
    match reason {
        "" => "Signed out".to_owned(),
        _ => format!("Signed out: {reason}"),
    }
}

impl StatusView {
    /// Says who the chat is signed in as (the name, or the user id without one), while the
    /// connection is open: at any other time it is not signed in to anything.
    pub fn signed_in_as(mut self, phase: &Phase, user: Option<&SignedInUser>) -> Self {
        if let (Phase::Open, Some(user)) = (phase, user) {
            let shown = user.name.as_deref().unwrap_or(&user.sub);
            self.text = format!("{}, signed in as {shown}", self.text);
            self.user = Some(user.sub.clone());
        }
        self
    }
}

fn close_text(code: u16, reason: &str) -> String {
    if reason.is_empty() {
        format!("{code} {}", describe(code))
    } else {
        format!("{code} {}: {reason}", describe(code))
    }
}

/// What the connection line says besides the phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// `ws.protocol`; empty for a plain server.
    pub protocol: String,
    /// `ws.extensions`.
    pub extensions: String,
}

/// What the handshake settled on, for the details line: `wschat.v1 · permessage-deflate`, or
/// `plain text · no extensions` for a plain server.
pub fn details_text(details: &Details) -> String {
    let plain = details.protocol.is_empty() || details.protocol == PLAIN_SUBPROTOCOL;
    let protocol = if plain {
        "plain text"
    } else {
        details.protocol.as_str()
    };
    let extensions = if details.extensions.is_empty() {
        "no extensions"
    } else {
        details.extensions.as_str()
    };
    format!("{protocol} · {extensions}")
}

#[cfg(test)]
mod tests;
