//! How many WebSocket connections the server takes: in all, and from one address.
//!
//! Every connection costs a task, a socket and up to `--max-queue-bytes` of queue, so one
//! client (or one script) must not be able to open them without end. Over a limit the upgrade
//! is refused with 503 and `Retry-After`: a busy answer that clients retry with backoff.
//!
//! "One address" is an IPv4 address, or an IPv6 /64: a single IPv6 host usually has a whole
//! /64 to pick source addresses from. Behind a reverse proxy every client shares the proxy's
//! address, so the per-address limit must then be raised (or the proxy must limit).

use crate::sync::lock;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

/// The connection counts and their caps.
#[derive(Debug)]
pub struct ConnectionLimits {
    max_total: usize,
    max_per_address: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    /// Only addresses with at least one connection: the map shrinks as they leave.
    per_address: HashMap<IpAddr, usize>,
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `--max-connections` reached.
    Total,
    /// `--max-connections-per-ip` reached for this address.
    PerAddress,
}

/// One admitted connection; gives its place back when dropped.
#[derive(Debug)]
pub struct Slot {
    limits: Arc<ConnectionLimits>,
    address: IpAddr,
}

impl ConnectionLimits {
    pub fn new(max_total: usize, max_per_address: usize) -> Arc<ConnectionLimits> {
        Arc::new(ConnectionLimits {
            max_total,
            max_per_address,
            counts: Mutex::default(),
        })
    }

    /// Counts a new connection from `ip`, or says which limit it would break.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refused> {
        let address = address_key(ip);
        let mut counts = lock(&self.counts);
        if counts.total >= self.max_total {
            return Err(Refused::Total);
        }
        let mine = counts.per_address.entry(address).or_insert(0);
        if *mine >= self.max_per_address {
            return Err(Refused::PerAddress);
        }
        *mine += 1;
        counts.total += 1;
        Ok(Slot {
            limits: self.clone(),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.limits.counts);
        counts.total -= 1;
        if let Some(n) = counts.per_address.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                counts.per_address.remove(&self.address);
            }
        }
    }
}

/// The address a limit counts: IPv4 as it is (also when mapped into IPv6), IPv6 by its /64.
pub(super) fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn per_address_and_total_caps_and_slots_give_back() {
        let limits = ConnectionLimits::new(3, 2);
        let a1 = limits.admit(ip("10.0.0.1")).expect("first");
        let _a2 = limits.admit(ip("10.0.0.1")).expect("second");
        assert_eq!(
            limits.admit(ip("10.0.0.1")).err(),
            Some(Refused::PerAddress)
        );
        let _b1 = limits.admit(ip("10.0.0.2")).expect("other address");
        assert_eq!(limits.admit(ip("10.0.0.3")).err(), Some(Refused::Total));
        drop(a1);
        let _a3 = limits.admit(ip("10.0.0.1")).expect("a place came back");
    }

    #[test]
    fn the_map_forgets_addresses_without_connections() {
        let limits = ConnectionLimits::new(10, 10);
        for i in 0..5 {
            drop(limits.admit(ip(&format!("10.0.0.{i}"))).expect("admit"));
        }
        assert!(lock(&limits.counts).per_address.is_empty());
        assert_eq!(lock(&limits.counts).total, 0);
    }

    #[test]
    fn ipv6_counts_by_slash_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        let limits = ConnectionLimits::new(10, 1);
        let _one = limits.admit(ip("2001:db8::1")).expect("admit");
        assert_eq!(
            limits.admit(ip("2001:db8::2")).err(),
            Some(Refused::PerAddress)
        );
    }
}
