//! What the status element says about a [`Phase`]: the DOM contract's `data-state` and the text
//! a person reads, with a live countdown while waiting.
//!
//! The countdown is kept apart from the rest of the text: the rest is announced to screen
//! readers when it changes (a live region), and a countdown would be announced every second.

use super::close_code::describe;
use super::reconnect::{Now, Phase, StopReason};

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
}

impl StatusView {
    pub fn new(phase: &Phase, now: Now) -> Self {
        let mut countdown = None;
        let (state, text) = match phase {
            Phase::Connecting { attempt: 0 } => ("connecting", "Connecting…".to_owned()),
            Phase::Connecting { attempt } => {
                ("reconnecting", format!("Reconnecting (attempt {attempt})…"))
            }
            Phase::Open => ("open", "Connected".to_owned()),
            Phase::Waiting {
                attempt,
                retry_at,
                last_close,
            } => {
                let secs = retry_at.saturating_sub(now).as_secs_f64().ceil() as u64;
                let lost = match last_close {
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
            Phase::Stopped(StopReason::Refused { code, reason }) => (
                "closed",
                format!("Closed by the server: {}", close_text(*code, reason)),
            ),
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
        }
    }
}

fn close_text(code: u16, reason: &str) -> String {
    if reason.is_empty() {
        format!("{code} {}", describe(code))
    } else {
        format!("{code} {}: {reason}", describe(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn states_and_texts() {
        let s = Duration::from_secs;
        let waiting = Phase::Waiting {
            attempt: 3,
            retry_at: s(10),
            last_close: Some((1006, String::new())),
        };
        let refused = Phase::Stopped(StopReason::Refused {
            code: 1008,
            reason: "banned".into(),
        });
        let cases = [
            (
                Phase::Connecting { attempt: 0 },
                "connecting",
                "Connecting…",
                false,
                false,
            ),
            (
                Phase::Connecting { attempt: 2 },
                "reconnecting",
                "Reconnecting (attempt 2)…",
                false,
                false,
            ),
            (Phase::Open, "open", "Connected", false, false),
            (
                waiting,
                "reconnecting",
                "Connection lost (1006 connection lost); attempt 3, retrying in 4 s",
                true,
                false,
            ),
            (
                Phase::Offline,
                "offline",
                "Offline: waiting for the network",
                true,
                false,
            ),
            (
                Phase::Stopped(StopReason::User),
                "closed",
                "Disconnected",
                false,
                true,
            ),
            (
                refused,
                "closed",
                "Closed by the server: 1008 policy violation: banned",
                true,
                true,
            ),
            (
                Phase::Stopped(StopReason::GaveUp { attempts: 5 }),
                "closed",
                "Gave up after 5 failed attempts",
                true,
                true,
            ),
        ];
        for (phase, state, text, retry, stopped) in cases {
            let v = StatusView::new(&phase, Duration::from_millis(6_500));
            let shown = v.text.clone() + v.countdown.as_deref().unwrap_or_default();
            assert_eq!(
                (v.state, shown.as_str(), v.can_retry_now, v.stopped),
                (state, text, retry, stopped)
            );
            assert!(!v.text.contains("retrying in"), "announced: {}", v.text);
        }
    }
}
