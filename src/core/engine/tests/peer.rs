//! Peers and settings that misbehave: silent or late servers, storage that fails, sockets the
//! browser will not make, values at the edge of their range.

use super::*;
use crate::core::reconnect::StopReason;

fn closed(code: u16) -> EngineEvent {
    EngineEvent::Closed {
        code,
        reason: String::new(),
    }
}

/// A harness whose next connection offers no sub-protocol (after one failed handshake).
fn in_band() -> Harness {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect)
        .at(1, closed(1006))
        .tick(1_001);
    assert!(h.offered.is_empty());
    h
}

fn no_protocol_text(frames: &[String]) {
    for frame in frames {
        assert!(!frame.starts_with('{'), "protocol text sent: {frame}");
    }
}

#[test]
fn a_silent_broadcast_server_in_band_gets_plain_text_and_is_never_taken_for_dead() {
    let mut h = in_band();
    h.at(1_002, send("typed")).open(1_003, "");
    assert!(h.take_sent().is_empty(), "nothing before the server speaks");
    // No welcome within welcome_wait (2 s): a plain server. What waited goes out as text.
    h.tick(3_003);
    assert_eq!(h.take_sent(), ["typed"]);
    assert_eq!(h.shown(), ["typed:sent"]);
    // A broadcast-only server never answers: no heartbeat, no reconnect, for as long as it lasts.
    for t in (10_000..600_000).step_by(10_000) {
        h.tick(t);
    }
    assert_eq!(h.engine.phase(), &Phase::Open);
    assert!(h.closes.is_empty() && h.take_sent().is_empty());
    // Other members' lines are shown as they are.
    h.at(600_001, text_event("hello from a member"));
    h.at(600_002, send("again"));
    let sent = h.take_sent();
    assert_eq!(sent, ["again"]);
    no_protocol_text(&sent);
    assert_eq!(
        h.shown(),
        ["typed:sent", "<hello from a member", "again:sent"]
    );
}

#[test]
fn every_reconnect_through_an_outage_stays_plain_on_a_plain_server() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, "");
    let mut t = 2;
    // An outage of 1 to 4 failed handshakes, each parity of the offer, then a plain server again.
    for failures in 1..=4u64 {
        h.at(t, closed(1006));
        for _ in 0..failures {
            t = ms_of(h.engine.poll_timeout().expect("a retry is due"));
            h.tick(t).at(t + 1, closed(1006));
        }
        t = ms_of(h.engine.poll_timeout().expect("a retry is due"));
        h.tick(t).at(t + 1, send(&format!("after {failures}")));
        h.open(t + 2, "");
        h.tick(t + 10_000);
        t += 10_001;
        let sent = h.take_sent();
        no_protocol_text(&sent);
        assert_eq!(sent, [format!("after {failures}")]);
        assert_eq!(h.engine.phase(), &Phase::Open);
    }
}

#[test]
fn a_plain_servers_first_line_in_band_is_shown_and_ends_the_wait() {
    let mut h = in_band();
    h.at(1_002, send("hi")).open(1_003, "");
    h.at(1_004, text_event("welcome to the room"));
    assert_eq!(h.take_sent(), ["hi"]);
    assert_eq!(h.shown(), ["hi:sent", "<welcome to the room"]);
    h.tick(100_000);
    assert!(h.take_sent().is_empty(), "no heartbeat for a plain peer");
    assert_eq!(h.engine.phase(), &Phase::Open);
}

#[test]
fn a_late_welcome_before_anything_was_sent_still_means_wschat() {
    let mut h = in_band();
    h.open(1_003, "").tick(3_003);
    assert!(h.take_sent().is_empty());
    let welcome = h.welcome();
    h.server(3_500, welcome);
    assert!(h.shown().is_empty(), "{:?}", h.shown());
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
}

#[test]
fn a_welcome_after_plain_text_went_out_is_not_shown_and_the_connection_stays_plain() {
    let mut h = in_band();
    h.at(1_002, send("x")).open(1_003, "").tick(3_003);
    assert_eq!(h.take_sent(), ["x"]);
    let welcome = h.welcome();
    h.server(3_500, welcome.clone());
    assert_eq!(h.shown(), ["x:sent"]);
    h.at(3_600, send("y"));
    assert_eq!(h.take_sent(), ["y"]);
    // Only the first frame can be a late welcome; later it is a member's text.
    h.server(3_700, welcome);
    assert_eq!(h.shown().len(), 3);
    assert!(h.shown()[2].starts_with(r#"<{"type":"welcome""#));
}

#[test]
fn a_welcome_without_this_connections_nonce_is_a_members_text() {
    // A member of a plain broadcast room sends everyone the text of a welcome.
    for nonce in [None, Some("0123456789abcdef".to_owned())] {
        let mut h = in_band();
        h.at(1_002, send("hi")).open(1_003, "");
        let fake = ServerFrame::Welcome { nonce }.encode();
        h.at(1_004, text_event(fake.clone()));
        let sent = h.take_sent();
        assert_eq!(sent, ["hi"], "plain text, never a hello");
        assert_eq!(h.shown(), ["hi:sent".to_owned(), format!("<{fake}")]);
    }
}

#[test]
fn what_a_plain_server_took_leaves_the_saved_outbox_at_once() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect)
        .at(1, send("a"))
        .at(2, send("b"))
        .tick(200);
    assert_eq!(h.saved.len(), 2);
    h.open(500, "");
    assert_eq!(h.take_sent(), ["a", "b"]);
    h.tick(1_000);
    assert!(
        h.saved.is_empty(),
        "a crash now must not send them again after a reload"
    );
}

#[test]
fn a_message_the_server_could_not_store_is_queued_and_sent_again_later() {
    let mut h = Harness::joined(2);
    h.at(10, send("m"));
    let id = h.take_id();
    h.take_sent();
    let busy = |h: &mut Harness, t| {
        h.server(
            t,
            ServerFrame::Error {
                id: Some(h.take_id()),
                reason: "database is locked".into(),
            },
        );
    };
    // (`take_id` needs the message alone on screen: the first error adds a notice.)
    busy(&mut h, 20);
    assert_eq!(h.shown(), ["m:queued", "[error]"]);
    // Sent again after store_retry (1 s), then after 2 s; one notice for the streak.
    assert_eq!(h.engine.poll_timeout(), Some(at_ms(1_020)));
    h.tick(1_020);
    let resent: Vec<String> = h.take_frames().iter().map(id_of).collect();
    assert_eq!(resent, std::slice::from_ref(&id));
    h.server(
        1_030,
        ServerFrame::Error {
            id: Some(id.clone()),
            reason: "database is locked".into(),
        },
    );
    assert_eq!(h.engine.poll_timeout(), Some(at_ms(3_030)));
    h.at(1_040, send("n"));
    assert!(
        h.take_sent().is_empty(),
        "nothing overtakes while the server cannot store"
    );
    h.tick(3_030);
    assert_eq!(h.take_frames().len(), 2);
    h.server(
        3_040,
        ServerFrame::Ack {
            id,
            seq: 1,
            ts: None,
        },
    );
    assert_eq!(
        h.shown().iter().filter(|s| s.as_str() == "[error]").count(),
        1
    );
    assert!(h.shown().contains(&"m:delivered".to_string()));
}

#[test]
fn an_invalid_url_stops_with_the_reason_and_connect_does_not_spin() {
    let mut h = Harness::new(vec![]);
    let reason = "invalid WebSocket URL \"http://x\": it must start with ws:// or wss://";
    h.engine = Engine::new(EngineConfig::default(), Err(reason.into()), 1, vec![], WALL);
    h.at(0, EngineEvent::UserConnect);
    let unusable = Phase::Stopped(StopReason::Unusable {
        reason: reason.into(),
    });
    assert_eq!(h.state.phase, unusable);
    assert_eq!(h.state.unusable(), Some(reason));
    assert_eq!((h.connects, h.engine.poll_timeout()), (0, None));
    h.at(1, EngineEvent::UserConnect)
        .at(2, EngineEvent::UserRetryNow);
    assert_eq!((h.connects, h.engine.poll_timeout()), (0, None));
    // What is typed waits, queued.
    h.at(3, send("kept"));
    assert_eq!(h.shown(), ["kept:queued"]);
}

#[test]
fn a_socket_the_browser_will_not_make_stops_and_connect_tries_again() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).at(
        0,
        EngineEvent::ConnectFailed {
            reason: "SecurityError: port 25 is blocked".into(),
        },
    );
    match &h.state.phase {
        Phase::Stopped(StopReason::Unusable { reason }) => {
            assert!(
                reason.contains(URL) && reason.contains("port 25"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((h.connects, h.engine.poll_timeout()), (1, None));
    h.at(5_000, EngineEvent::UserConnect).open(5_001, "");
    assert_eq!((h.connects, &h.state.phase), (2, &Phase::Open));
}

#[test]
fn an_invalid_setting_is_named_and_nothing_panics() {
    let mut config = EngineConfig::default();
    config.reconnect.backoff.jitter = f64::NAN;
    config.delivery.heartbeat_idle = Duration::MAX;
    let mut h = Harness::new(vec![]);
    h.engine = Engine::new(config, Ok(URL.into()), 1, vec![], WALL);
    h.at(0, EngineEvent::UserConnect);
    let reason = h.state.unusable().expect("stopped").to_owned();
    assert!(reason.contains("heartbeat_idle"), "{reason}");
    assert_eq!(h.connects, 0);
}

#[test]
fn storage_trouble_is_said_once_and_removes_the_stale_record() {
    let mut h = Harness::new(vec![]);
    h.at(0, send("a"));
    let writes = h.writes;
    assert_eq!(h.saved.len(), 1);
    let full = || EngineEvent::StorageFailed {
        reason: "QuotaExceededError".into(),
    };
    h.at(1, full());
    assert!(
        h.saved.is_empty(),
        "the old record is removed, not left stale"
    );
    assert_eq!(h.writes, writes + 1);
    h.at(2, full()).at(500, send("b")).tick(1_000);
    h.at(1_001, EngineEvent::PageHidden);
    assert_eq!(h.writes, writes + 1, "no more writes once storage failed");
    assert_eq!(h.shown(), ["a:queued", "[error]", "b:queued"]);
}

#[test]
fn the_largest_sequence_numbers_do_not_panic() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: u64::MAX,
            gap: true,
        },
    );
    for seq in [u64::MAX, 0, u64::MAX - 1] {
        h.server(
            3,
            ServerFrame::Msg {
                seq,
                id: None,
                text: "t".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
        );
    }
    h.at(4, send("a"));
    let id = h.take_id();
    h.server(
        5,
        ServerFrame::Ack {
            id,
            seq: u64::MAX,
            ts: None,
        },
    );
    h.at(6, closed(1006)).tick(10_000).open(10_001, SUBPROTOCOL);
    assert!(h.take_frames().contains(&ClientFrame::Hello {
        after: Some(u64::MAX),
        name: None,
    }));
}

#[test]
fn ids_are_the_nonce_in_hex_and_a_slow_reader_close_is_retried() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.at(
        2,
        EngineEvent::UserSend {
            text: "x".into(),
            nonce: u128::MAX - 1,
            wall_ms: WALL,
        },
    );
    assert_eq!(h.take_id(), format!("{}e", "f".repeat(31)));
    h.at(3, closed(1013));
    assert!(
        matches!(h.state.phase, Phase::Waiting { .. }),
        "{:?}",
        h.state.phase
    );
}

#[test]
fn a_server_whose_history_started_over_has_its_new_messages_shown() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    let msg = |seq, text: &str| ServerFrame::Msg {
        seq,
        id: None,
        text: text.into(),
        from: None,
        ts: None,
        user: None,
        guest: false,
    };
    h.server(2, msg(1, "old one")).server(3, msg(2, "old two"));
    h.server(
        4,
        ServerFrame::Synced {
            head: 2,
            gap: false,
        },
    );
    // Restarted without its history file: numbering begins again at 1.
    h.at(5, closed(1001)).tick(2_000).open(2_001, SUBPROTOCOL);
    h.server(
        2_002,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.server(2_003, msg(1, "new one"));
    let shown = h.shown();
    assert_eq!(
        shown.last().map(String::as_str),
        Some("<new one"),
        "{shown:?}"
    );
    assert!(shown.contains(&"[gap]".to_owned()), "{shown:?}");
}
