//! Keeping a connection honest through the engine: heartbeats, servers that answer in the
//! wrong mode or not at all, sub-protocol negotiation, phases, and how often the outbox is saved.

use super::*;

#[test]
fn heartbeat_pings_when_idle_and_a_missing_pong_reconnects() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(0, SUBPROTOCOL);
    h.server(
        0,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.take_sent();
    h.tick(14_999);
    assert!(h.take_sent().is_empty());
    h.tick(15_000);
    assert_eq!(h.take_frames(), [ClientFrame::Ping]);
    h.server(15_100, ServerFrame::Pong);
    assert_eq!(h.engine.poll_timeout(), Some(at_ms(30_100)));
    h.tick(30_100);
    assert_eq!(h.take_frames(), [ClientFrame::Ping]);
    h.tick(40_099);
    assert_eq!(h.engine.phase(), &Phase::Open);
    h.tick(40_100);
    assert_eq!(h.closes, [crate::core::reconnect::ABANDONED]);
    assert!(matches!(
        h.engine.phase(),
        Phase::Waiting { attempt: 1, .. }
    ));
    h.tick(41_100);
    assert_eq!(h.connects, 2);
}

#[test]
fn a_server_that_selects_wschat_v1_but_answers_in_plain_text_gets_plain_text() {
    let mut h = Harness::new(vec![]);
    h.at(0, send("queued"))
        .at(1, EngineEvent::UserConnect)
        .open(2, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.at(3, text_event("data received"));
    assert_eq!(h.take_sent(), ["queued"]);
    h.at(4, send("next"));
    assert_eq!(h.take_sent(), ["next"]);
    assert_eq!(h.shown(), ["queued:sent", "<data received", "next:sent"]);
}

#[test]
fn a_server_that_never_answers_hello_is_dead() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(0, SUBPROTOCOL);
    h.tick(10_000);
    assert_eq!(h.closes, [crate::core::reconnect::ABANDONED]);
}

#[test]
fn a_failed_handshake_flips_the_offer_and_wschat_is_tried_in_band() {
    // (The peer cases of in-band negotiation are in `tests/peer.rs`.)
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect);
    assert_eq!(h.offered, [PLAIN_SUBPROTOCOL, SUBPROTOCOL]);
    // A proxy that strips Sec-WebSocket-Protocol: the browser fails the handshake.
    h.at(
        1,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(1_001);
    assert!(h.offered.is_empty());
    assert!(
        h.url.starts_with(&format!("{URL}?wschat=v1&wschat_nonce=")),
        "{}",
        h.url
    );
    h.at(1_002, send("proxied")).open(1_003, "");
    assert!(h.take_sent().is_empty(), "in band, the server speaks first");
    let welcome = h.welcome();
    h.server(1_003, welcome);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        1_004,
        ServerFrame::Synced {
            head: 4,
            gap: false,
        },
    );
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Send {
            id: h.take_id(),
            text: "proxied".into()
        }]
    );
    assert_eq!(
        h.state.details.as_ref().map(|d| d.protocol.as_str()),
        Some("wschat.v1 (in band)")
    );
    // It stays that way while it works; the next failed handshake offers again.
    h.at(
        1_005,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(2_005);
    assert!(h.offered.is_empty());
    h.at(
        2_006,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(4_006);
    assert_eq!(h.offered, [PLAIN_SUBPROTOCOL, SUBPROTOCOL]);
}

#[test]
fn an_in_band_try_against_a_plain_server_falls_back_to_plain_text() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect)
        .at(
            1,
            EngineEvent::Closed {
                code: 1006,
                reason: String::new(),
            },
        )
        .tick(1_001);
    h.at(1_002, send("hi")).open(1_003, "");
    assert!(h.take_sent().is_empty(), "in band, the server speaks first");
    h.at(1_004, text_event("data received"));
    assert_eq!(h.take_sent(), ["hi"]);
    assert_eq!(h.shown(), ["hi:sent", "<data received"]);
}

#[test]
fn plain_servers_get_no_heartbeat() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(0, "");
    h.tick(100_000);
    assert!(h.take_sent().is_empty());
    assert_eq!(h.engine.phase(), &Phase::Open);
}

#[test]
fn phase_changes_reach_the_state() {
    let mut h = Harness::new(vec![]);
    assert!(matches!(h.state.phase, Phase::Stopped(_)));
    h.at(0, EngineEvent::UserConnect);
    assert_eq!(h.state.phase, Phase::Connecting { attempt: 0 });
    h.open(1, "");
    assert_eq!(h.state.phase, Phase::Open);
    h.at(2, EngineEvent::UserDisconnect);
    assert_eq!(h.closes, [1000]);
    assert!(matches!(h.state.phase, Phase::Stopped(_)));
    assert_eq!(h.state.details, None);
}

#[test]
fn a_burst_of_sends_and_acks_writes_the_outbox_a_few_times_not_per_message() {
    let mut h = Harness::new(vec![]);
    h.engine = Engine::new(EngineConfig::default(), Ok(URL.into()), 1, vec![], WALL);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.take_sent();
    for i in 0..1_000u64 {
        h.at(10 + i, send(&format!("m{i}")));
        if h.engine.poll_timeout().is_some_and(|t| t <= at_ms(10 + i)) {
            h.tick(10 + i);
        }
    }
    let ids: Vec<String> = h.take_frames().iter().map(id_of).collect();
    assert_eq!(ids.len(), 1_000);
    for (i, id) in ids.into_iter().enumerate() {
        let t = 1_010 + i as u64;
        h.server(
            t,
            ServerFrame::Ack {
                id,
                seq: i as u64 + 1,
                ts: None,
            },
        );
        if h.engine.poll_timeout().is_some_and(|due| due <= at_ms(t)) {
            h.tick(t);
        }
    }
    assert!(
        h.writes <= 25,
        "{} writes for 1,000 sends and 1,000 acks",
        h.writes
    );
    // The last change is written when due, and a hidden page writes at once, marked orphaned.
    h.tick(2_200);
    assert!(h.saved.is_empty() && !h.orphaned);
    h.at(2_300, send("last words"));
    assert_eq!(
        h.saved.len(),
        1,
        "after a quiet spell a change is written at once"
    );
    assert_eq!(h.flushed().len(), 1);
}
