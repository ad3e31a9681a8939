//! Failed messages: Retry queues them again under their id, Remove forgets them.

use super::names::{joined_as, named};
use super::*;

fn failed_reason(h: &Harness) -> Vec<String> {
    h.state
        .entries()
        .iter()
        .filter_map(|e| match &**e {
            Entry::Out {
                status: OutStatus::Failed(r),
                ..
            } => Some(r.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn retry_queues_a_failed_message_again_and_remove_forgets_it() {
    let (mut h, _) = joined_as(None);
    // Outbox capacity 3: the fourth fails, and is kept for "Retry".
    for (t, text) in ["1", "2", "3", "4"].iter().enumerate() {
        h.at(3 + t as u64, send(text));
    }
    let ids: Vec<String> = h.take_frames().iter().map(id_of).collect();
    assert_eq!(h.shown(), ["1:sent", "2:sent", "3:sent", "4:failed"]);
    let fourth = match &*h.state.entries()[3] {
        Entry::Out { id, .. } => id.to_string(),
        other => panic!("{other:?}"),
    };
    // Still full: it fails again, with the reason, and can be retried later.
    h.at(10, EngineEvent::UserRetry { id: fourth.clone() });
    assert_eq!(h.shown(), ["1:sent", "2:sent", "3:sent", "4:failed"]);
    assert!(h.take_sent().is_empty());
    h.server(
        11,
        ServerFrame::Ack {
            id: ids[0].clone(),
            seq: 1,
            ts: None,
        },
    );
    h.at(12, EngineEvent::UserRetry { id: fourth.clone() });
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Send {
            id: fourth.clone(),
            text: "4".into()
        }]
    );
    // Sent again, it waits with the other pending messages at the bottom.
    assert_eq!(h.shown().last().map(String::as_str), Some("4:sent"));
    let mut shown = h.shown();
    shown.sort();
    assert_eq!(shown, ["1:delivered", "2:sent", "3:sent", "4:sent"]);
    // A second click, with the message on its way already, does nothing.
    let before = h.shown();
    h.at(13, EngineEvent::UserRetry { id: fourth });
    assert!(h.take_sent().is_empty());
    assert_eq!(h.shown(), before);
}

#[test]
fn a_rejected_message_can_be_retried_under_its_id_or_removed() {
    let (mut h, _) = joined_as(None);
    h.at(3, send("a")).at(4, send("b"));
    let ids: Vec<String> = h.take_frames().iter().map(id_of).collect();
    for id in &ids {
        h.server(
            5,
            ServerFrame::Reject {
                id: id.clone(),
                reason: "busy".into(),
                retry_after: None,
            },
        );
    }
    assert_eq!(h.shown(), ["a:failed", "b:failed"]);
    assert_eq!(failed_reason(&h)[0], "rejected by the server: busy");
    h.at(6, EngineEvent::UserRemove { id: ids[0].clone() });
    assert_eq!(h.shown(), ["b:failed"]);
    h.at(7, EngineEvent::UserRetry { id: ids[1].clone() });
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Send {
            id: ids[1].clone(),
            text: "b".into()
        }]
    );
    assert_eq!(h.flushed().len(), 1, "the retried message is saved again");
    // A removed message cannot come back.
    h.at(8, EngineEvent::UserRetry { id: ids[0].clone() });
    assert!(h.take_sent().is_empty());
}

#[test]
fn a_too_large_message_fails_again_on_retry_and_remove_takes_queued_ones_off_the_saved_outbox() {
    let mut h = named(None);
    h.at(0, send("far too long for ten bytes"))
        .at(1, send("queued"));
    let big = match &*h.state.entries()[0] {
        Entry::Out { id, .. } => id.to_string(),
        other => panic!("{other:?}"),
    };
    h.at(2, EngineEvent::UserRetry { id: big.clone() });
    assert_eq!(
        h.shown(),
        ["far too long for ten bytes:failed", "queued:queued"]
    );
    assert_eq!(failed_reason(&h), ["too large: 26 bytes, the limit is 10"]);
    let queued = match &*h.state.entries()[1] {
        Entry::Out { id, .. } => id.to_string(),
        other => panic!("{other:?}"),
    };
    h.at(3, EngineEvent::UserRemove { id: big })
        .at(4, EngineEvent::UserRemove { id: queued });
    assert!(h.shown().is_empty());
    assert!(h.flushed().is_empty());
}

#[test]
fn only_so_many_failed_messages_can_be_retried() {
    use crate::core::delivery::failed::MAX_FAILED_KEPT;
    let mut h = named(None);
    // Messages too large to send (the limit is 10 bytes), two more than are kept.
    for t in 0..MAX_FAILED_KEPT as u64 + 2 {
        h.at(t, send("eleven bytes"));
    }
    let ids: Vec<String> = h
        .state
        .entries()
        .iter()
        .filter_map(|e| match &**e {
            Entry::Out { id, .. } => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let notices = |h: &Harness| h.shown().iter().filter(|s| *s == "[error]").count();
    // The oldest two were forgotten: retrying them says so.
    h.at(500, EngineEvent::UserRetry { id: ids[0].clone() });
    assert_eq!(notices(&h), 1);
    // A kept one is retried (and fails again, being still too large), silently.
    h.at(501, EngineEvent::UserRetry { id: ids[2].clone() });
    assert_eq!(notices(&h), 1);
    h.at(502, EngineEvent::UserRetry { id: ids[2].clone() });
    assert_eq!(notices(&h), 1, "still kept after failing again");
}
