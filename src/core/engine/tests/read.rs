//! Telling the server where the reader stopped, through the engine: signed in only, at most
//! every 500 ms, never backwards, what was pending sent once the next connection is synced,
//! and the server's own position shown.

use super::*;

fn read(seq: u64) -> EngineEvent {
    EngineEvent::UserRead { seq }
}

fn told(seq: u64) -> ClientFrame {
    ClientFrame::Read { seq }
}

/// Joined at 2 and signed in as u1 at 3.
fn signed_in() -> Harness {
    let mut h = Harness::joined(2);
    let authed = ServerFrame::Authed {
        sub: "u1".into(),
        name: Some("Ann".into()),
        exp: WALL / 1_000 + 600,
    };
    h.server(3, authed);
    h.take_sent();
    h
}

#[test]
fn reports_are_spaced_and_only_move_forward() {
    let mut h = signed_in();
    h.at(10, read(5));
    assert_eq!(h.take_frames(), [told(5)]);
    h.at(100, read(6)).at(200, read(8));
    assert!(h.take_frames().is_empty(), "within 500 ms of the last");
    assert_eq!(h.engine.poll_timeout().map(ms_of), Some(510));
    h.tick(510);
    assert_eq!(h.take_frames(), [told(8)]);
    h.at(2_000, read(7)).at(2_001, read(8));
    assert!(h.take_frames().is_empty(), "not backwards");
    // The server's own position (another tab) is shown, and not told back.
    h.server(2_100, ServerFrame::Read { seq: 20 });
    h.at(3_000, read(15));
    assert!(h.take_frames().is_empty());
    h.at(3_100, read(21));
    assert_eq!(h.take_frames(), [told(21)]);
}

#[test]
fn a_report_waits_for_the_next_synced_connection() {
    let mut h = signed_in();
    h.at(
        10,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    h.at(20, read(4));
    assert!(h.take_frames().is_empty(), "no connection");
    h.tick(1_100).open(1_200, SUBPROTOCOL);
    h.take_sent();
    h.server(
        1_300,
        ServerFrame::Synced {
            head: 4,
            gap: false,
        },
    );
    assert!(h.take_frames().contains(&told(4)));
}

#[test]
fn guests_and_plain_servers_tell_nothing() {
    let mut h = Harness::joined(2);
    h.at(10, read(5)).tick(1_000);
    assert!(h.take_frames().is_empty());
    let mut plain = Harness::new(vec![]);
    plain
        .at(0, EngineEvent::UserConnect)
        .open(1, PLAIN_SUBPROTOCOL);
    plain.at(3_000, read(5)).tick(4_000);
    assert!(plain.take_sent().is_empty());
}
