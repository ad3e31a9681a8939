//! The reconnect state machine: sans-IO, time and randomness passed in.
//!
//! Shaped like quinn-proto's connection: [`Reconnect::handle`] takes an [`Input`] and the current
//! time, [`Reconnect::poll_command`] yields what the glue must do, [`Reconnect::poll_timeout`]
//! says when to call [`Reconnect::handle_timeout`]. One deadline at a time means the glue can
//! never hold two timers, and only the `Connecting`/`Open` phases own a socket, so it can never
//! hold two sockets either.

pub mod backoff;
pub mod close_code;
mod config;
mod failover;
pub mod input;
pub mod phase;
mod retry;

pub use crate::core::reconnect::config::ReconnectConfig;
use crate::core::reconnect::failover::Rotation;
pub use crate::core::reconnect::input::{Command, Input, ABANDONED};
pub use crate::core::reconnect::phase::{Phase, StopReason};
use crate::core::rng::Rng;
use crate::core::time::Moment;
use std::collections::VecDeque;
use ws_chat_protocol::close_code::UNAUTHORIZED;

/// The reconnect state machine: inputs and the time in, commands and deadlines out.
#[derive(Debug)]
pub struct Reconnect {
    config: ReconnectConfig,
    rng: Rng,
    phase: Phase,
    /// Failed connections since the last stable one.
    failures: u32,
    /// Which server is next, and whether to hop or back off.
    rotation: Rotation,
    online: bool,
    /// Connect timeout while `Connecting`, attempt-count reset while `Open`.
    deadline: Option<Moment>,
    commands: VecDeque<Command>,
}

impl Reconnect {
    /// A stopped machine for one server; send [`Input::Start`] to connect.
    pub fn new(config: ReconnectConfig, seed: u64) -> Self {
        Self::with_servers(config, seed, 1)
    }

    /// A stopped machine that fails over between `servers` servers sharing one room.
    pub fn with_servers(config: ReconnectConfig, seed: u64, servers: usize) -> Self {
        Self {
            config,
            rng: Rng::new(seed),
            phase: Phase::Stopped(StopReason::User),
            failures: 0,
            rotation: Rotation::new(servers),
            online: true,
            deadline: None,
            commands: VecDeque::new(),
        }
    }

    /// Where the machine is now.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The index of the server the current or next connection goes to.
    pub fn server(&self) -> usize {
        self.rotation.current()
    }

    /// The next command to carry out, oldest first; call until `None` after each input.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// When [`Reconnect::handle_timeout`] wants to run next.
    pub fn poll_timeout(&self) -> Option<Moment> {
        match self.phase {
            Phase::Waiting { retry_at, .. } => Some(retry_at),
            Phase::Connecting { .. } | Phase::Open => self.deadline,
            Phase::Offline | Phase::Stopped(_) => None,
        }
    }

    /// Takes in what happened at `now`.
    pub fn handle(&mut self, input: Input, now: Moment) {
        match input {
            Input::Start => match self.phase {
                Phase::Stopped(_) => {
                    self.reset_failures();
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
                    self.reset_failures();
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
            Input::Renegotiate => {
                if let Phase::Connecting { .. } = self.phase {
                    self.connect(now);
                }
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
            Input::SignedOut { reason } => {
                if self.has_socket() {
                    self.lost_anyway(UNAUTHORIZED, reason, now);
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
    pub fn handle_timeout(&mut self, now: Moment) {
        let Some(due) = self.poll_timeout() else {
            return;
        };
        if now < due {
            return;
        }
        let slept = now.saturating_duration_since(due) >= self.config.wake_threshold;
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
                self.reset_failures();
                self.deadline = None;
            }
            Phase::Offline | Phase::Stopped(_) => {}
        }
    }

    fn reset_failures(&mut self) {
        self.failures = 0;
        self.rotation.reset();
    }

    /// Open and stable: the attempt-count reset has run, so no deadline is left.
    fn established(&self) -> bool {
        self.phase == Phase::Open && self.deadline.is_none()
    }

    fn has_socket(&self) -> bool {
        matches!(self.phase, Phase::Connecting { .. } | Phase::Open)
    }

    fn connect(&mut self, now: Moment) {
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
}

#[cfg(test)]
mod restart_tests;
#[cfg(test)]
mod tests;
