//! Delivery through the engine: plain text and envelopes, acks, resends and duplicates,
//! history catch-up and gaps.

use super::*;

#[test]
fn plain_server_gets_plain_text_and_queued_messages_go_first_in_order() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect)
        .at(1, send("early"))
        .at(2, send(""))
        .at(3, send("second"));
    assert_eq!(h.shown(), ["early:queued", "second:queued"]);
    assert!(h.take_sent().is_empty());
    h.open(10, "");
    assert_eq!(h.take_sent(), ["early", "second"]);
    h.at(11, send("<b>new</b>"));
    assert_eq!(h.take_sent(), ["<b>new</b>"]);
    h.at(12, text_event("data received"));
    assert_eq!(
        h.shown(),
        [
            "early:sent",
            "second:sent",
            "<b>new</b>:sent",
            "<data received"
        ]
    );
    assert!(
        h.flushed().is_empty(),
        "plain peers confirm nothing: nothing left to keep"
    );
    assert_eq!(
        h.state.details.as_ref().map(|d| d.protocol.as_str()),
        Some("")
    );
}

#[test]
fn envelopes_ack_resend_and_dedupe_across_a_drop() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(5, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        6,
        ServerFrame::Synced {
            head: 10,
            gap: false,
        },
    );
    h.at(7, send("a")).at(8, send("b"));
    let frames = h.take_frames();
    let (a, b) = (id_of(&frames[0]), id_of(&frames[1]));
    assert_ne!(a, b);
    h.server(
        9,
        ServerFrame::Ack {
            id: a.clone(),
            seq: 11,
            ts: None,
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "b:sent"]);
    // The socket dies before b's ack: b waits again, and goes out again after the reconnect.
    h.at(
        10,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "b:queued"]);
    h.tick(1_010).open(1_020, SUBPROTOCOL);
    assert_eq!(h.connects, 2);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(11),
            name: None
        }],
        "nothing is re-sent before the catch-up"
    );
    // Catch-up: someone else's 12, then the head. b was never taken, so it goes out again.
    h.server(
        1_021,
        ServerFrame::Msg {
            seq: 12,
            id: Some("other-1".into()),
            text: "x".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        1_022,
        ServerFrame::Synced {
            head: 12,
            gap: false,
        },
    );
    assert_eq!(
        h.take_frames().iter().map(id_of).collect::<Vec<_>>(),
        std::slice::from_ref(&b)
    );
    // Its ack is lost with another socket; the next catch-up carries it, then a late re-ack.
    h.at(
        1_023,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(2_023)
    .open(2_024, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(12),
            name: None
        }]
    );
    h.server(
        2_025,
        ServerFrame::Msg {
            seq: 13,
            id: Some(b.clone()),
            text: "b".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        2_026,
        ServerFrame::Msg {
            seq: 12,
            id: Some("other-1".into()),
            text: "x".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        2_027,
        ServerFrame::Synced {
            head: 13,
            gap: false,
        },
    );
    assert!(
        h.take_frames().is_empty(),
        "b is known to be taken: not sent a third time"
    );
    h.server(
        2_028,
        ServerFrame::Ack {
            id: b.clone(),
            seq: 13,
            ts: None,
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "<x", "b:delivered"]);
    assert_eq!(h.state.stats.delivered, 2);
    assert_eq!(h.state.stats.duplicates, 2);
    assert_eq!(h.state.stats.sent, 3);
    assert!(h.flushed().is_empty());
}

#[test]
fn a_first_join_gets_the_history_without_a_gap_marker() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        2,
        ServerFrame::Msg {
            seq: 41,
            id: None,
            text: "older".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        3,
        ServerFrame::Msg {
            seq: 42,
            id: None,
            text: "newest".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        4,
        ServerFrame::Synced {
            head: 42,
            gap: true,
        },
    );
    assert_eq!(h.shown(), ["<older", "<newest"]);
    assert_eq!(h.state.stats.gaps, 0);
}

#[test]
fn a_gap_in_history_is_marked() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 5,
            gap: false,
        },
    );
    h.at(
        3,
        EngineEvent::Closed {
            code: 1001,
            reason: String::new(),
        },
    )
    .tick(1_003)
    .open(1_004, SUBPROTOCOL);
    assert_eq!(
        h.take_frames().last(),
        Some(&ClientFrame::Hello {
            after: Some(5),
            name: None
        })
    );
    h.server(
        1_005,
        ServerFrame::Msg {
            seq: 900,
            id: None,
            text: "late".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        },
    );
    h.server(
        1_006,
        ServerFrame::Synced {
            head: 900,
            gap: true,
        },
    );
    assert_eq!(h.shown(), ["<late", "[gap]"]);
    assert_eq!(h.state.stats.gaps, 1);
}
