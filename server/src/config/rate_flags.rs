//! The rate-limit flags: how many messages and hellos one sender (a signed-in user, or a
//! guest's address) may send per second, as a steady rate and a burst.

use crate::ws::{Rate, RateLimits};
use std::sync::Arc;

/// Messages and hellos per second (see docs/server.md, "Rate limits").
#[derive(Debug, Clone, clap::Args)]
pub struct RateFlags {
    /// Messages one sender may send per second, steadily; 0: no limit. Past it a message gets
    /// `reject` with `retry_after`, and the chat sends it again then.
    #[arg(long, default_value_t = 10.0, value_parser = parse_rate)]
    pub message_rate: f64,

    /// Messages one sender may send at once before the steady rate applies.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub message_burst: u32,

    /// Hellos (each starts a catch-up) one sender may send per second, steadily; 0: no limit.
    /// Past it the connection is closed with 1013 (Try Again Later).
    #[arg(long, default_value_t = 2.0, value_parser = parse_rate)]
    pub hello_rate: f64,

    /// Hellos one sender may send at once before the steady rate applies.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub hello_burst: u32,
}

impl RateFlags {
    pub fn limits(&self) -> Arc<RateLimits> {
        RateLimits::new(
            Rate {
                per_second: self.message_rate,
                burst: f64::from(self.message_burst),
            },
            Rate {
                per_second: self.hello_rate,
                burst: f64::from(self.hello_burst),
            },
        )
    }
}

/// A rate per second: 0 (no limit) or a positive number up to a million.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1e6).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "`{text}`: a rate per second from 0 (no limit) to 1000000"
        )),
    }
}
