//! Rate limits: how many messages and hellos one sender may send per second, as token
//! buckets (a steady rate, and a burst on top). Sans-IO: the time is passed in.
//!
//! A signed-in user is one sender however many connections it has on this server; a guest
//! is its address (an IPv4 address or an IPv6 /64, as for the connection limits), so a guest
//! cannot get more by opening more connections. Each server counts on its own: behind a load
//! balancer a sender may get up to the limit from each server. Behind a reverse proxy every
//! guest has the proxy's address, so the guests' limits then apply to all of them together.
//!
//! A bucket that has filled up again holds nothing a fresh one would not: the map forgets
//! those as it grows, so what it holds is bounded by the senders active in the last burst's
//! worth of time.

use super::limits::address_key;
use crate::sync::lock;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use ws_chat_protocol::Millis;

/// A steady rate and a burst: `per_second` tokens come back each second, up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// 0: no limit.
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    fn unlimited(self) -> bool {
        self.per_second <= 0.0
    }

    /// Milliseconds for an empty bucket to fill up again.
    fn refill_ms(self) -> f64 {
        self.burst / self.per_second * 1000.0
    }
}

/// What is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A `send` (wschat.v1) or a line of text (plain).
    Message,
    /// A `hello`: each one starts a catch-up, the costliest thing a client can ask for.
    Hello,
}

/// Who is counted: a signed-in user, or a guest's address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sender {
    User(String),
    Guest(IpAddr),
}

impl Sender {
    /// The user `sub` when signed in, else the address `ip` comes from.
    pub fn new(sub: Option<&str>, ip: IpAddr) -> Sender {
        match sub {
            Some(sub) => Sender::User(sub.to_owned()),
            None => Sender::Guest(address_key(ip)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Millis,
}

/// The limits and every sender's buckets, shared by all connections of the server.
#[derive(Debug)]
pub struct RateLimits {
    messages: Rate,
    hellos: Rate,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    map: HashMap<(Sender, Action), Bucket>,
    /// Size after the last sweep: the next one runs once the map has doubled.
    kept: usize,
}

impl RateLimits {
    pub fn new(messages: Rate, hellos: Rate) -> Arc<RateLimits> {
        Arc::new(RateLimits {
            messages,
            hellos,
            buckets: Mutex::default(),
        })
    }

    /// Takes one token for `action` by `sender` at `now`; when there is none, how many
    /// milliseconds until there is.
    pub fn take(&self, sender: &Sender, action: Action, now: Millis) -> Result<(), Millis> {
        let rate = match action {
            Action::Message => self.messages,
            Action::Hello => self.hellos,
        };
        if rate.unlimited() {
            return Ok(());
        }
        let mut buckets = lock(&self.buckets);
        if buckets.map.len() > buckets.kept.saturating_mul(2).max(1024) {
            buckets.sweep(now, |action| match action {
                Action::Message => self.messages,
                Action::Hello => self.hellos,
            });
        }
        let bucket = buckets
            .map
            .entry((sender.clone(), action))
            .or_insert(Bucket {
                tokens: rate.burst,
                at: now,
            });
        let elapsed = now.saturating_sub(bucket.at) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * rate.per_second).min(rate.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.tokens) / rate.per_second * 1000.0;
        Err(wait.ceil() as Millis)
    }
}

impl Buckets {
    /// Forgets the buckets that have filled up again by `now`.
    fn sweep(&mut self, now: Millis, rate: impl Fn(Action) -> Rate) {
        self.map.retain(|(_, action), bucket| {
            (now.saturating_sub(bucket.at) as f64) < rate(*action).refill_ms()
        });
        self.kept = self.map.len();
    }
}

/// One connection's side of the limits: it counts as its signed-in user, else as its address.
#[derive(Debug, Clone)]
pub struct ConnectionRates {
    limits: Arc<RateLimits>,
    ip: IpAddr,
}

impl ConnectionRates {
    pub fn new(limits: Arc<RateLimits>, ip: IpAddr) -> ConnectionRates {
        ConnectionRates { limits, ip }
    }

    /// [`RateLimits::take`] for this connection, signed in as `sub` if it is.
    pub fn take(&self, sub: Option<&str>, action: Action, now: Millis) -> Result<(), Millis> {
        self.limits.take(&Sender::new(sub, self.ip), action, now)
    }
}

/// `1.5 s`, `300 ms`: a wait as a reason says it.
pub fn spoken_ms(ms: Millis) -> String {
    if ms >= 1000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    fn limits(per_second: f64, burst: f64) -> Arc<RateLimits> {
        let rate = Rate { per_second, burst };
        RateLimits::new(
            rate,
            Rate {
                per_second: 1.0,
                burst: 2.0,
            },
        )
    }

    #[test]
    fn a_burst_then_the_steady_rate() {
        let l = limits(2.0, 3.0);
        let ann = Sender::User("ann".into());
        // (time, expected): three at once, then one every 500 ms.
        let steps = [
            (0, Ok(())),
            (0, Ok(())),
            (0, Ok(())),
            (0, Err(500)),
            (250, Err(250)),
            (500, Ok(())),
            (500, Err(500)),
            (3_000, Ok(())),
            (3_000, Ok(())),
            (3_000, Ok(())),
            (3_000, Err(500)),
        ];
        for (i, (at, want)) in steps.into_iter().enumerate() {
            assert_eq!(
                l.take(&ann, Action::Message, at),
                want,
                "step {i} at {at} ms"
            );
        }
        // Hellos have a bucket of their own; another user too.
        assert_eq!(l.take(&ann, Action::Hello, 0), Ok(()));
        assert_eq!(
            l.take(&Sender::User("bob".into()), Action::Message, 0),
            Ok(())
        );
    }

    #[test]
    fn guests_are_counted_by_address_and_a_v6_host_by_its_64() {
        let l = limits(1.0, 1.0);
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::ffff".parse().unwrap();
        assert_eq!(Sender::new(None, a), Sender::new(None, b));
        assert_eq!(l.take(&Sender::new(None, a), Action::Message, 0), Ok(()));
        assert_eq!(l.take(&Sender::new(None, b), Action::Message, 0), Err(1000));
        let other = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb9, 0, 0, 0, 0, 0, 1));
        assert_eq!(
            l.take(&Sender::new(None, other), Action::Message, 0),
            Ok(())
        );
        // Signed in, the same address is another sender.
        assert_eq!(
            l.take(&Sender::new(Some("u1"), a), Action::Message, 0),
            Ok(())
        );
    }

    #[test]
    fn no_limit_at_rate_zero_and_idle_buckets_are_forgotten() {
        let l = limits(0.0, 0.0);
        for _ in 0..10_000 {
            assert_eq!(
                l.take(&Sender::User("a".into()), Action::Message, 0),
                Ok(())
            );
        }
        let l = limits(10.0, 10.0);
        for i in 0..100_000u64 {
            let sender = Sender::User(format!("u{i}"));
            assert_eq!(l.take(&sender, Action::Message, i), Ok(()));
        }
        // Each bucket fills again in a second: only about the last second's senders stay.
        assert!(lock(&l.buckets).map.len() < 4_000);
    }

    #[test]
    fn waits_are_spoken_for_people() {
        assert_eq!(spoken_ms(300), "300 ms");
        assert_eq!(spoken_ms(1500), "1.5 s");
    }
}
