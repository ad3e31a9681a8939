//! The reconnect state machine: sans-IO, time and randomness passed in.
//!
//! Shaped like quinn-proto's connection: [`Reconnect::handle`] takes an [`Input`] and the current
//! time, [`Reconnect::poll_command`] yields what the glue must do, [`Reconnect::poll_timeout`]
//! says when to call [`Reconnect::handle_timeout`]. One deadline at a time means the glue can
//! never hold two timers, and only the `Connecting`/`Open` phases own a socket, so it can never
//! hold two sockets either.

use super::backoff::Backoff;
use super::close_code::{CloseAction, ClosePolicy};
pub use super::phase::{Phase, StopReason};
use super::rng::Rng;
use std::collections::VecDeque;
use std::time::Duration;

/// Time since an arbitrary origin (the page's `performance.now()` in the browser).
pub type Now = Duration;

/// When to retry, when to give up, and which close codes mean "do not come back".
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectConfig {
    /// The wait before each retry.
    pub backoff: Backoff,
    /// A connection must stay open this long before the attempt count resets, so a server that
    /// accepts and drops at once sees the backoff grow instead of a tight loop.
    pub stable_after: Duration,
    /// A socket still `CONNECTING` after this long is abandoned and retried.
    pub connect_timeout: Duration,
    /// Give up after this many failed retries in a row (`None`: never).
    pub max_attempts: Option<u32>,
    /// The close codes that stop reconnecting.
    pub close_policy: ClosePolicy,
    /// A timer that fires this much later than it was due means the machine slept.
    pub wake_threshold: Duration,
}

impl Default for ReconnectConfig {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            stable_after: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            max_attempts: None,
            close_policy: ClosePolicy::default(),
            wake_threshold: Duration::from_secs(10),
        }
    }
}

/// What happened: to the socket, to the page, or by the user's hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The user wants a connection (mount, or the Connect button).
    Start,
    /// The user disconnected: close and never reconnect by itself.
    Stop,
    /// "Reconnect now", or a manual retry after the machine gave up or was refused.
    RetryNow,
    /// The socket reached `OPEN`.
    Opened,
    /// The socket closed (or failed to open) with this code and reason.
    Closed {
        /// The close code (1006 when the connection just broke).
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// No socket could be made (see [`StopReason::Unusable`]).
    Unusable {
        /// What is wrong, in words.
        reason: String,
    },
    /// The connection is alive on paper but dead in fact (a missed heartbeat): drop and retry.
    Dead {
        /// Why it is taken for dead.
        reason: String,
    },
    /// The network came back (`online`): retry at once.
    Online,
    /// The network went away (`offline`): stop trying until it is back.
    Offline,
    /// The page became visible again.
    Visible,
}

/// What the glue must do to the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a new socket (the glue drops any previous one first).
    Connect,
    /// Close and drop the current socket; its later events must not come back.
    Close {
        /// The close code to send.
        code: u16,
        /// The close reason to send.
        reason: String,
    },
}

/// Close code used when the client itself abandons a socket it considers dead.
pub const ABANDONED: u16 = 4000;

/// The reconnect state machine: inputs and the time in, commands and deadlines out.
#[derive(Debug)]
pub struct Reconnect {
    config: ReconnectConfig,
    rng: Rng,
    phase: Phase,
    /// Failed connections since the last stable one.
    failures: u32,
    online: bool,
    /// Connect timeout while `Connecting`, attempt-count reset while `Open`.
    deadline: Option<Now>,
    commands: VecDeque<Command>,
}

impl Reconnect {
    /// A stopped machine; send [`Input::Start`] to connect.
    pub fn new(config: ReconnectConfig, seed: u64) -> Self {
        Self {
            config,
            rng: Rng::new(seed),
            phase: Phase::Stopped(StopReason::User),
            failures: 0,
            online: true,
            deadline: None,
            commands: VecDeque::new(),
        }
    }

    /// Where the machine is now.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The next command to carry out, oldest first; call until `None` after each input.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// When [`Reconnect::handle_timeout`] wants to run next.
    pub fn poll_timeout(&self) -> Option<Now> {
        match self.phase {
            Phase::Waiting { retry_at, .. } => Some(retry_at),
            Phase::Connecting { .. } | Phase::Open => self.deadline,
            Phase::Offline | Phase::Stopped(_) => None,
        }
    }

    /// Takes in what happened at `now`.
    pub fn handle(&mut self, input: Input, now: Now) {
        match input {
            Input::Start => match self.phase {
                Phase::Stopped(_) => {
                    self.failures = 0;
                    if self.online {
                        self.connect(now);
                    } else {
                        self.phase = Phase::Offline;
                    }
                }
                Phase::Waiting { .. } | Phase::Offline => self.connect(now),
                Phase::Connecting { .. } | Phase::Open => {}
            },
            Input::RetryNow => match self.phase {
                Phase::Stopped(StopReason::User) => {}
                Phase::Stopped(_) => {
                    self.failures = 0;
                    self.connect(now);
                }
                Phase::Waiting { .. } | Phase::Offline => self.connect(now),
                Phase::Connecting { .. } | Phase::Open => {}
            },
            Input::Stop => {
                if self.has_socket() {
                    self.close(1000, "disconnected by user");
                }
                self.stop(StopReason::User);
            }
            Input::Opened => {
                if let Phase::Connecting { .. } = self.phase {
                    self.phase = Phase::Open;
                    self.deadline = Some(now.saturating_add(self.config.stable_after));
                }
            }
            Input::Closed { code, reason } => {
                // Only a socket we own can close; an error-then-close pair, or a late event,
                // finds us already waiting and schedules nothing more.
                if self.has_socket() {
                    self.lost(code, reason, now);
                }
            }
            Input::Unusable { reason } => {
                if let Phase::Connecting { .. } = self.phase {
                    self.stop(StopReason::Unusable { reason });
                }
            }
            Input::Dead { reason } => {
                if self.has_socket() {
                    self.close(ABANDONED, &reason);
                    self.lost(1006, reason, now);
                }
            }
            Input::Offline => {
                self.online = false;
                match self.phase {
                    Phase::Waiting { .. } => self.phase = Phase::Offline,
                    Phase::Connecting { .. } => {
                        self.close(ABANDONED, "offline");
                        self.phase = Phase::Offline;
                    }
                    // An open socket may well survive (a loopback server, a short blip).
                    Phase::Open | Phase::Offline | Phase::Stopped(_) => {}
                }
            }
            Input::Online => {
                self.online = true;
                if self.phase == Phase::Offline {
                    self.connect(now);
                }
            }
            Input::Visible => {
                if let Phase::Waiting { .. } = self.phase {
                    self.connect(now);
                }
            }
        }
    }

    /// Runs what was due by `now` (a retry, a connect timeout, the attempt-count reset);
    /// nothing if nothing was.
    pub fn handle_timeout(&mut self, now: Now) {
        let Some(due) = self.poll_timeout() else {
            return;
        };
        if now < due {
            return;
        }
        let slept = now.saturating_sub(due) >= self.config.wake_threshold;
        match self.phase {
            Phase::Waiting { .. } => self.connect(now),
            Phase::Connecting { .. } if slept => {
                // The timeout only looks expired because the machine slept: try again at once.
                self.close(ABANDONED, "woke from sleep");
                self.connect(now);
            }
            Phase::Connecting { .. } => {
                let reason = format!(
                    "no answer within {} s",
                    self.config.connect_timeout.as_secs()
                );
                self.close(ABANDONED, &reason);
                self.lost(1006, reason, now);
            }
            Phase::Open => {
                self.failures = 0;
                self.deadline = None;
            }
            Phase::Offline | Phase::Stopped(_) => {}
        }
    }

    fn has_socket(&self) -> bool {
        matches!(self.phase, Phase::Connecting { .. } | Phase::Open)
    }

    fn connect(&mut self, now: Now) {
        self.commands.push_back(Command::Connect);
        self.phase = Phase::Connecting {
            attempt: self.failures,
        };
        self.deadline = Some(now.saturating_add(self.config.connect_timeout));
    }

    fn close(&mut self, code: u16, reason: &str) {
        self.commands.push_back(Command::Close {
            code,
            reason: reason.to_owned(),
        });
    }

    fn stop(&mut self, reason: StopReason) {
        self.phase = Phase::Stopped(reason);
        self.deadline = None;
    }

    fn lost(&mut self, code: u16, reason: String, now: Now) {
        self.deadline = None;
        if self.config.close_policy.action(code) == CloseAction::Stop {
            self.stop(StopReason::Refused { code, reason });
            return;
        }
        self.failures = self.failures.saturating_add(1);
        if !self.online {
            self.phase = Phase::Offline;
            return;
        }
        if let Some(max) = self.config.max_attempts {
            if self.failures > max {
                self.stop(StopReason::GaveUp { attempts: max });
                return;
            }
        }
        let delay = self
            .config
            .backoff
            .delay(self.failures, self.rng.next_f64());
        self.phase = Phase::Waiting {
            attempt: self.failures,
            retry_at: now.saturating_add(delay),
            last_close: Some((code, reason)),
        };
    }
}

#[cfg(test)]
#[path = "reconnect_tests.rs"]
mod tests;
