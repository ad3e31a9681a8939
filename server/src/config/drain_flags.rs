//! The drain flags: how a server going away (SIGTERM, a deploy) hands its clients on.

use super::duration::{parse_duration, parse_duration_or_zero};
use std::time::Duration;

/// How the server drains on SIGTERM or Ctrl-C (see docs/server.md, "Restarts and deploys").
#[derive(Debug, Clone, clap::Args)]
pub struct DrainFlags {
    /// How long the server keeps serving after the signal while `/readyz` answers 503 and new
    /// upgrades are refused, before it closes anything: long enough for a load balancer to
    /// see it is not ready (its health-check interval). `0s`: close at once.
    #[arg(long, default_value = "0s", value_parser = parse_duration_or_zero)]
    pub drain_delay: Duration,

    /// Over how long the open connections are closed, a batch every 100 ms, with 1012
    /// (service restart). Ends early once every connection is gone. `0s`: all in one batch.
    #[arg(long, default_value = "3s", value_parser = parse_duration_or_zero)]
    pub drain_window: Duration,

    /// Each closed connection is told to come back after a delay spread evenly up to this,
    /// so its clients return spread out and not in one instant. `0s`: at once; at most `60s`
    /// (clients wait no longer).
    #[arg(long, default_value = "2s", value_parser = parse_duration_or_zero)]
    pub drain_spread: Duration,

    /// The longest a drain takes, from the signal to the exit, pending history writes
    /// included: more than `--drain-delay` and `--drain-window` together.
    #[arg(long, default_value = "15s", value_parser = parse_duration)]
    pub drain_timeout: Duration,
}

impl DrainFlags {
    /// Refuses a timeout that leaves the delay and the window no time to run.
    pub fn check(&self) -> Result<(), String> {
        // The client waits at most this long, so a longer spread would bunch clients there.
        let most = Duration::from_millis(ws_chat_protocol::close_code::MAX_RESTART_DELAY_MS);
        if self.drain_spread > most {
            return Err(format!(
                "--drain-spread ({:?}) may be at most {most:?}: clients wait no longer",
                self.drain_spread
            ));
        }
        if self.drain_delay + self.drain_window >= self.drain_timeout {
            return Err(format!(
                "--drain-timeout ({:?}) must be more than --drain-delay ({:?}) and --drain-window ({:?}) together",
                self.drain_timeout, self.drain_delay, self.drain_window
            ));
        }
        Ok(())
    }
}
