//! Which form of handshake each server gets: offering the sub-protocols, or none (wschat.v1 is
//! then tried in band, see [`crate::core::delivery::Delivery::opened`]).
//!
//! An offer is the normal form. But a browser fails every handshake that offers sub-protocols
//! to a server that selects none: a server that ignores them (the seed article's Fastify
//! route, many plain servers) or a proxy that strips `Sec-WebSocket-Protocol` (trunk's dev
//! proxy does). The browser does not say which it was, nor tell it from a server that is down.
//!
//! So on first contact (no connection to that server has opened yet in this page), a failed
//! offer is followed at once by an attempt without one, still "connecting" to the user,
//! instead of after the backoff with "connection lost" on screen. Should that work, the page
//! remembers it for that server (across reloads, by the glue's storage), and the next load
//! starts there. After first contact, each failed handshake flips the form for the next
//! attempt, which comes after the usual backoff: a server that is down costs one extra attempt
//! at first contact, and nothing more.

use super::Engine;
use crate::core::boundary::Effect;

impl Engine {
    /// Starts each server in `in_band` (the page's memory of earlier loads, by
    /// [`handshake_key`]) with the handshake form that worked there.
    pub fn with_remembered_handshakes(mut self, in_band: impl Fn(&str) -> bool) -> Self {
        let urls = self
            .target
            .as_ref()
            .map(|l| l.urls().to_vec())
            .unwrap_or_default();
        for (server, url) in urls.iter().enumerate() {
            if in_band(handshake_key(url)) {
                self.handshakes.remembered_in_band(server);
            }
        }
        self
    }

    /// Asks the glue to remember what the open connection to `server` showed of its
    /// handshake form, when that is news.
    pub(super) fn remember_handshake(&mut self, server: usize) {
        let Some(in_band) = self.handshakes.opened(server) else {
            return;
        };
        if let Some(url) = self.current_url() {
            let key = handshake_key(url).to_owned();
            self.effects
                .push_back(Effect::RememberHandshake { key, in_band });
        }
    }
}

/// The per-server handshake forms, and what the page remembers of them.
#[derive(Debug)]
pub(super) struct Handshakes {
    /// Per server: whether its next connection offers sub-protocols. Per server, since one
    /// server's proxy says nothing about another's.
    offer: Vec<bool>,
    /// Per server: what the page remembers (or was told at start): that it needs no offer.
    remembered_in_band: Vec<bool>,
    /// Per server: first contact is over (a connection opened, or the at-once retry was made).
    contacted: Vec<bool>,
    /// The attempt under way is the at-once retry without an offer.
    retrying: bool,
}

impl Handshakes {
    pub(super) fn new(servers: usize) -> Self {
        Self {
            offer: vec![true; servers],
            remembered_in_band: vec![false; servers],
            contacted: vec![false; servers],
            retrying: false,
        }
    }

    /// Whether the next connection to `server` offers sub-protocols.
    pub(super) fn offers(&self, server: usize) -> bool {
        self.offer.get(server).copied().unwrap_or(true)
    }

    /// What an earlier page learned: `server` needs no offer.
    pub(super) fn remembered_in_band(&mut self, server: usize) {
        if let (Some(offer), Some(remembered)) = (
            self.offer.get_mut(server),
            self.remembered_in_band.get_mut(server),
        ) {
            *offer = false;
            *remembered = true;
        }
    }

    /// A handshake to `server` failed with `code`: the next one takes the other form. `true`
    /// when it should go at once: first contact, and an offer failed as a refused
    /// sub-protocol does (1006).
    pub(super) fn failed(&mut self, server: usize, code: u16) -> bool {
        let (Some(offer), Some(contacted)) =
            (self.offer.get_mut(server), self.contacted.get_mut(server))
        else {
            return false;
        };
        let offered = std::mem::replace(offer, !*offer);
        self.retrying = offered && code == 1006 && !std::mem::replace(contacted, true);
        self.retrying
    }

    /// A connection to `server` opened. `Some(in_band)` when the page should remember
    /// something new: that it needs no offer (the at-once retry worked), or that an offer
    /// works after all.
    pub(super) fn opened(&mut self, server: usize) -> Option<bool> {
        let retried = std::mem::take(&mut self.retrying);
        if let Some(contacted) = self.contacted.get_mut(server) {
            *contacted = true;
        }
        let offered = self.offers(server);
        let in_band = match (offered, retried) {
            (true, _) => false,
            (false, true) => true,
            // Without an offer after a backoff: no telling why the offer failed.
            (false, false) => return None,
        };
        let remembered = self.remembered_in_band.get_mut(server)?;
        (std::mem::replace(remembered, in_band) != in_band).then_some(in_band)
    }
}

/// What the page remembers a server's handshake by: its URL without query or fragment (a room
/// or a token there says nothing about the server's proxy).
pub fn handshake_key(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_offer_is_retried_at_once_without_one_and_remembered() {
        let mut h = Handshakes::new(2);
        assert!(h.offers(0));
        assert!(h.failed(0, 1006));
        assert!(!h.offers(0));
        assert_eq!(h.opened(0), Some(true));
        // Known now: later connections open without an offer, with nothing new to remember.
        assert_eq!(h.opened(0), None);
        // The other server is untouched.
        assert!(h.offers(1));
    }

    #[test]
    fn a_server_that_is_down_costs_one_at_once_retry() {
        let mut h = Handshakes::new(1);
        let at_once: Vec<bool> = (0..4).map(|_| h.failed(0, 1006)).collect();
        assert_eq!(at_once, [true, false, false, false]);
        // Back up, reached by an offer after a backoff: nothing to remember.
        assert!(h.offers(0));
        assert_eq!(h.opened(0), None);
    }

    #[test]
    fn only_a_broken_handshake_is_retried_at_once() {
        let mut h = Handshakes::new(1);
        // A server that closed a connection it had accepted is no handshake problem.
        assert!(!h.failed(0, 1011));
        assert!(!h.offers(0));
        assert_eq!(h.opened(0), None);
        // After first contact, a failed offer waits for the backoff like any failure.
        let mut h = Handshakes::new(1);
        assert_eq!(h.opened(0), None);
        assert!(!h.failed(0, 1006));
        assert!(!h.offers(0));
    }

    #[test]
    fn a_remembered_server_starts_without_an_offer_until_one_works() {
        let mut h = Handshakes::new(1);
        h.remembered_in_band(0);
        assert!(!h.offers(0));
        assert_eq!(h.opened(0), None);
        // Down for a while: the next round offers, and that works (the proxy is gone).
        assert!(!h.failed(0, 1006));
        assert!(h.offers(0));
        assert_eq!(h.opened(0), Some(false));
        assert_eq!(h.opened(0), None);
    }

    #[test]
    fn keys_leave_out_query_and_fragment() {
        let cases = [
            (
                "wss://chat.example/ws?room=a&token=x",
                "wss://chat.example/ws",
            ),
            ("ws://127.0.0.1:9010", "ws://127.0.0.1:9010"),
            ("ws://h/p#frag", "ws://h/p"),
        ];
        for (url, key) in cases {
            assert_eq!(handshake_key(url), key);
        }
    }
}
