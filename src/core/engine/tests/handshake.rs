//! First contact with a server that selects no sub-protocol (see
//! [`crate::core::engine::handshake`]): quiet, at once, and remembered for the next load.

use super::*;

fn closed(code: u16) -> EngineEvent {
    EngineEvent::Closed {
        code,
        reason: String::new(),
    }
}

#[test]
fn a_server_that_ignores_sub_protocols_is_reached_at_once_and_quietly() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).at(1, send("typed"));
    assert!(!h.offered.is_empty());
    // The browser fails the offered handshake: the next attempt goes at once, and the user
    // still sees a first connection under way, not a lost one.
    h.at(20, closed(1006));
    assert_eq!(h.connects, 2);
    assert!(
        h.offered.is_empty() && h.url.contains("wschat_nonce="),
        "{}",
        h.url
    );
    assert_eq!(h.state.phase, Phase::Connecting { attempt: 0 });
    assert_eq!(h.shown(), ["typed:queued"]);
    // It opens; the server never says `welcome`, so it is a plain server; the page is asked
    // to remember that this server needs no offer.
    h.open(25, "").tick(2_025);
    assert_eq!(h.take_sent(), ["typed"]);
    assert_eq!(h.remembered, [(URL.to_owned(), true)]);
    assert_eq!(h.state.phase, Phase::Open);
}

#[test]
fn a_remembered_server_is_reached_without_an_offer_from_the_start() {
    let mut h = Harness::new(vec![]);
    h.engine = Engine::new(EngineConfig::default(), Ok(URL.into()), 1, vec![], WALL)
        .with_remembered_handshakes(|key| key == URL);
    h.at(0, EngineEvent::UserConnect);
    assert_eq!(h.connects, 1);
    assert!(
        h.offered.is_empty() && h.url.contains("wschat_nonce="),
        "{}",
        h.url
    );
    h.open(1, "");
    let welcome = h.welcome();
    h.server(2, welcome);
    assert!(h.remembered.is_empty(), "nothing new");
    // Another server is not taken for this one.
    let mut other = Harness::new(vec![]);
    other.engine = Engine::new(EngineConfig::default(), Ok(URL.into()), 1, vec![], WALL)
        .with_remembered_handshakes(|key| key == "ws://elsewhere.example/ws");
    other.at(0, EngineEvent::UserConnect);
    assert!(!other.offered.is_empty());
}

#[test]
fn a_server_that_is_down_at_first_contact_costs_one_more_attempt_only() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).at(1, closed(1006));
    assert_eq!(h.connects, 2, "the at-once attempt without an offer");
    h.at(2, closed(1006));
    assert!(
        matches!(h.state.phase, Phase::Waiting { .. }),
        "{:?}",
        h.state.phase
    );
    // From here each attempt waits for the backoff, the form alternating.
    for n in 3..6 {
        let retry = ms_of(h.engine.poll_timeout().expect("a retry"));
        h.tick(retry);
        assert_eq!(h.connects, n);
        h.at(retry + 1, closed(1006));
        assert!(matches!(h.state.phase, Phase::Waiting { .. }));
    }
    assert!(h.remembered.is_empty());
}

#[test]
fn an_offer_that_works_again_is_forgotten() {
    let mut h = Harness::new(vec![]);
    h.engine = Engine::new(EngineConfig::default(), Ok(URL.into()), 1, vec![], WALL)
        .with_remembered_handshakes(|_| true);
    // The in-band attempt fails (the proxy went away with the old deployment), then an
    // offer, after the backoff, works: the page forgets.
    h.at(0, EngineEvent::UserConnect).at(1, closed(1006));
    // (Rounded up: the default backoff's jitter is not whole milliseconds.)
    let retry = ms_of(h.engine.poll_timeout().expect("a retry")) + 1;
    h.tick(retry);
    assert!(!h.offered.is_empty());
    h.open(retry + 1, SUBPROTOCOL);
    assert_eq!(h.remembered, [(URL.to_owned(), false)]);
}
