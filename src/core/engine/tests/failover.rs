//! Several servers: where each connection goes, how soon, and what carries over to the next
//! server (the catch-up point and the unconfirmed messages) and what does not (how the last
//! server's handshake went).

use super::*;
use crate::core::reconnect::{StopReason, ABANDONED};
use crate::core::servers::{resolve, PageOrigin, QueryUrl, ServerUrls};
use crate::core::view::status::StatusView;

const A: &str = "ws://a.example:9001/ws";
const B: &str = "ws://b.example:9002/ws";
const C: &str = "ws://c.example/ws";

/// The harness's engine (backoff fixed at 1 s, hop 200 ms, stable after 5 s), on `urls`.
fn on(urls: &[&str]) -> Harness {
    let mut h = Harness::new(vec![]);
    let page = PageOrigin {
        protocol: "http:".into(),
        host: "chat.example".into(),
    };
    let list = resolve(None, QueryUrl::Ignored, &ServerUrls::from(urls), &page);
    let config = EngineConfig {
        reconnect: ReconnectConfig {
            backoff: Backoff::fixed(ms(1_000)),
            ..ReconnectConfig::default()
        },
        ..EngineConfig::default()
    };
    h.engine = Engine::new(config, list.map_err(|e| e.to_string()), 1, vec![], WALL);
    h.drain();
    h
}

fn closed(code: u16) -> EngineEvent {
    EngineEvent::Closed {
        code,
        reason: String::new(),
    }
}

/// The URL of the latest connect, without any in-band query.
fn server_of(h: &Harness) -> &str {
    h.url.split('?').next().unwrap_or_default()
}

/// First contact with the server just tried: its offered handshake fails at `t`, and the same
/// server is tried again at once, without an offer (see [`crate::core::engine::handshake`]).
fn first_contact_fails(h: &mut Harness, t: u64) {
    let (server, before) = (server_of(h).to_owned(), h.connects);
    assert!(!h.offered.is_empty(), "the first attempt offers");
    h.at(t, closed(1006));
    assert_eq!(
        (h.connects, server_of(h)),
        (before + 1, server.as_str()),
        "at once, to the same server"
    );
    assert!(h.offered.is_empty(), "without an offer");
}

#[test]
fn an_attempt_that_fails_moves_on_at_once_and_backs_off_after_a_round() {
    let mut h = on(&[A, B, C]);
    h.at(0, EngineEvent::UserConnect);
    // Each step: a failed attempt at `fail` (after the at-once retry of first contact, if it
    // is), the tick that runs the retry, the server it goes to.
    let steps = [
        (5, 205, B, true),
        (210, 410, C, true),
        (415, 1_415, A, true),
        (1_420, 1_620, B, false),
    ];
    for (fail, retry, want, first_contact) in steps {
        if first_contact {
            first_contact_fails(&mut h, fail - 1);
        }
        h.at(fail, closed(1006));
        h.tick(retry - 1);
        let before = h.connects;
        h.tick(retry);
        assert_eq!(
            (h.connects, server_of(&h)),
            (before + 1, want),
            "at {retry}"
        );
    }
}

#[test]
fn an_established_drop_retries_the_same_server_first_then_moves_on() {
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect).open(1, PLAIN_SUBPROTOCOL);
    h.tick(5_001); // stable
    h.at(6_000, closed(1006)).tick(7_000);
    assert_eq!((h.connects, server_of(&h)), (2, A), "the same server first");
    h.at(7_010, closed(1006)).tick(7_210);
    assert_eq!(
        (h.connects, server_of(&h)),
        (3, B),
        "then the next, after a hop"
    );
}

#[test]
fn a_connection_that_drops_before_it_is_stable_moves_on() {
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect).open(1, PLAIN_SUBPROTOCOL);
    h.at(100, closed(1006)).tick(300);
    assert_eq!((h.connects, server_of(&h)), (2, B));
}

#[test]
fn a_connect_timeout_moves_on() {
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect).tick(10_000);
    assert_eq!(h.closes, [ABANDONED], "the stuck socket is closed");
    h.tick(10_200);
    assert_eq!((h.connects, server_of(&h)), (2, B));
}

#[test]
fn one_server_keeps_the_plain_backoff() {
    let mut h = on(&[A]);
    h.at(0, EngineEvent::UserConnect);
    first_contact_fails(&mut h, 4);
    h.at(5, closed(1006)).tick(205);
    assert_eq!(h.connects, 2, "no hop with one server");
    h.tick(1_005);
    assert_eq!((h.connects, server_of(&h)), (3, A));
}

#[test]
fn the_handshake_fallback_is_per_server() {
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect);
    // A is behind a proxy that strips sub-protocols: its offer fails, and the at-once attempt
    // without one works, which the page is asked to remember.
    first_contact_fails(&mut h, 5);
    h.open(6, "");
    let welcome = h.welcome();
    h.server(7, welcome);
    assert_eq!(
        h.state.details.as_ref().map(|d| d.protocol.as_str()),
        Some("wschat.v1 (in band)")
    );
    assert_eq!(h.remembered, [(A.to_owned(), true)]);
    // A drops before it is stable: B is next, and is not taken for a server behind A's proxy.
    h.at(100, closed(1006)).tick(300);
    assert_eq!(server_of(&h), B);
    assert!(!h.offered.is_empty(), "B offers sub-protocols");
    assert!(!h.url.contains("wschat_nonce="), "{}", h.url);
    // B's handshake works, which is no news to remember; B drops, and A, back in turn, goes
    // in band again.
    h.open(301, SUBPROTOCOL).at(400, closed(1006)).tick(1_400);
    assert_eq!(h.remembered.len(), 1);
    assert_eq!(server_of(&h), A);
    assert!(h.offered.is_empty());
    assert!(h.url.contains("wschat_nonce="), "{}", h.url);
}

#[test]
fn after_a_switch_the_catch_up_and_the_resend_carry_on() {
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 10,
            gap: false,
        },
    );
    h.at(3, send("a")).at(4, send("b"));
    let frames = h.take_frames();
    let (a, b) = (id_of(&frames[1]), id_of(&frames[2]));
    let ack = |id: &String, seq| ServerFrame::Ack {
        id: id.clone(),
        seq,
        ts: None,
    };
    h.server(5, ack(&a, 11));
    // A dies (SIGKILL: the socket just breaks), b unconfirmed.
    h.at(6, closed(1006)).tick(206).open(210, SUBPROTOCOL);
    assert_eq!(server_of(&h), B);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(11),
            name: None
        }],
        "B is asked for what came after the last seq seen on A"
    );
    h.server(
        211,
        ServerFrame::Synced {
            head: 11,
            gap: false,
        },
    );
    let resent = h.take_frames();
    assert_eq!(
        resent.iter().map(id_of).collect::<Vec<_>>(),
        std::slice::from_ref(&b)
    );
    h.server(212, ack(&b, 12));
    assert_eq!(h.shown(), ["a:delivered", "b:delivered"]);
}

#[test]
fn the_status_names_the_server_in_use() {
    let mut h = on(&[A, B]);
    let status = |h: &Harness| {
        let view = StatusView::new(&h.state.phase, h.state.server.as_ref(), h.now);
        (view.text, view.server.as_deref().map(str::to_owned))
    };
    h.at(0, EngineEvent::UserConnect);
    let a = Some("a.example:9001".to_owned());
    assert_eq!(
        status(&h),
        ("Connecting to a.example:9001…".into(), a.clone())
    );
    first_contact_fails(&mut h, 4);
    assert_eq!(
        status(&h),
        ("Connecting to a.example:9001…".into(), a.clone()),
        "first contact's second form is no lost connection"
    );
    h.at(5, closed(1006)).tick(205).open(206, PLAIN_SUBPROTOCOL);
    let b = Some("b.example:9002".to_owned());
    assert_eq!(status(&h), ("Connected to b.example:9002".into(), b));
    let mut one = on(&[C]);
    one.at(0, EngineEvent::UserConnect)
        .open(1, PLAIN_SUBPROTOCOL);
    assert_eq!(status(&one), ("Connected".into(), Some("c.example".into())));
}

#[test]
fn a_server_the_browser_will_not_open_is_skipped_until_none_is_left() {
    let failed = || EngineEvent::ConnectFailed {
        reason: "SecurityError: port 1 is blocked".into(),
    };
    let mut h = on(&[A, B]);
    h.at(0, EngineEvent::UserConnect).at(0, failed()).tick(200);
    assert_eq!((h.connects, server_of(&h)), (2, B), "A is skipped");
    h.open(201, PLAIN_SUBPROTOCOL);
    assert_eq!(h.state.phase, Phase::Open);
    // B drops; A still cannot be opened, and B cannot either now: nothing is left.
    h.at(300, closed(1006)).tick(1_300);
    assert_eq!(server_of(&h), A);
    h.at(1_300, failed()).tick(1_500);
    assert_eq!(server_of(&h), B);
    h.at(1_500, failed());
    match &h.state.phase {
        Phase::Stopped(StopReason::Unusable { reason }) => {
            assert!(reason.contains(B) && reason.contains("port 1"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // Connect tries again, from the server it stopped at.
    h.at(2_000, EngineEvent::UserConnect);
    assert_eq!(
        (h.connects, h.state.phase.clone()),
        (5, Phase::Connecting { attempt: 0 })
    );
}
