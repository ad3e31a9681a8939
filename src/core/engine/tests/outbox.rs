//! What the user typed, through the engine: bad input, the outbox's limit, and the saved
//! outbox restored on load.

use super::*;

#[test]
fn bad_input_is_shown_and_loses_nothing() {
    let mut h = Harness::joined(1);
    h.at(2, text_event("{not json"))
        .at(3, text_event(r#"{"type":"teleport"}"#))
        .at(4, EngineEvent::Binary { len: 3 })
        .at(5, send("0123456789x"));
    assert_eq!(
        h.shown(),
        ["[error]", "[error]", "[error]", "0123456789x:failed"]
    );
    assert_eq!(
        h.engine.phase(),
        &Phase::Open,
        "bad frames never drop the connection"
    );
    assert!(h.take_sent().is_empty(), "a too-large message is not sent");
    h.at(6, send("ok"));
    let id = id_of(&h.take_frames()[0]);
    h.server(
        7,
        ServerFrame::Reject {
            id,
            reason: "nope".into(),
            retry_after: None,
        },
    );
    let failed: Vec<_> = h
        .state
        .entries()
        .iter()
        .filter_map(|e| match &**e {
            Entry::Out {
                status: OutStatus::Failed(reason),
                ..
            } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [
            "too large: 11 bytes, the limit is 10",
            "rejected by the server: nope"
        ]
    );
}

#[test]
fn outbox_overflow_fails_visibly() {
    let mut h = Harness::new(vec![]);
    for (t, text) in ["1", "2", "3", "4"].iter().enumerate() {
        h.at(t as u64, send(text));
    }
    assert_eq!(h.shown(), ["1:queued", "2:queued", "3:queued", "4:failed"]);
    assert_eq!(h.flushed().len(), 3);
}

#[test]
fn restored_outbox_is_shown_queued_and_sent_on_open() {
    let restored = vec![
        SavedMessage {
            id: "old-1".into(),
            text: "one".into(),
            at: Some(WALL - 60_000),
        },
        SavedMessage {
            id: "old-2".into(),
            text: "two".into(),
            at: None,
        },
    ];
    let mut h = Harness::new(restored.clone());
    assert_eq!(h.shown(), ["one:queued", "two:queued"]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        1,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    let frames = h.take_frames();
    assert_eq!(
        frames[1],
        ClientFrame::Send {
            id: "old-1".into(),
            text: "one".into()
        }
    );
    assert_eq!(
        frames[2],
        ClientFrame::Send {
            id: "old-2".into(),
            text: "two".into()
        }
    );
    h.server(
        2,
        ServerFrame::Ack {
            id: "old-1".into(),
            seq: 1,
            ts: None,
        },
    );
    assert_eq!(h.flushed(), restored[1..]);
}

#[test]
fn a_message_refused_for_sending_too_fast_goes_again_after_the_hint_in_order() {
    let mut h = Harness::joined(1);
    h.at(2, send("a")).at(3, send("b"));
    let ids: Vec<String> = sent_ids(&mut h);
    assert_eq!(ids.len(), 2);
    // `a` is refused for 500 ms; `b` too, having come right after it.
    for id in &ids {
        h.server(
            4,
            ServerFrame::Reject {
                id: id.clone(),
                reason: "sending too fast: try again in 500 ms".into(),
                retry_after: Some(500),
            },
        );
    }
    assert_eq!(h.shown(), ["a:queued", "b:queued"], "waiting, not failed");
    // Typed meanwhile: it waits behind them.
    h.at(100, send("c"));
    h.tick(503);
    assert!(sent_ids(&mut h).is_empty(), "nothing before the hint");
    h.tick(504);
    let again: Vec<String> = sent_ids(&mut h);
    assert_eq!(again.len(), 3, "a, b and c go at the hint");
    assert_eq!(again[..2], ids[..], "in the order typed");
    // A hint far off is cut to a minute.
    h.server(
        600,
        ServerFrame::Reject {
            id: again[0].clone(),
            reason: "later".into(),
            retry_after: Some(u64::MAX),
        },
    );
    h.tick(600 + 59_999);
    assert!(sent_ids(&mut h).is_empty());
    h.tick(600 + 60_000);
    assert_eq!(
        sent_ids(&mut h),
        again[..1],
        "only the refused one: the others await acks"
    );
}

/// The ids of the messages sent since last asked (pings left out).
fn sent_ids(h: &mut Harness) -> Vec<String> {
    h.take_frames()
        .iter()
        .filter(|f| matches!(f, ClientFrame::Send { .. }))
        .map(id_of)
        .collect()
}
