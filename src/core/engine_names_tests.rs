//! Who and when: the name in `hello`, sender lines, server times, and Retry/Remove of failed
//! messages.

use super::*;
use crate::core::sender_runs::OWN_LABEL_WITHOUT_NAME;

/// A harness whose engine has this display name, not yet connected.
fn named(name: Option<&str>) -> Harness {
    let mut h = Harness::new(vec![]);
    let config = EngineConfig {
        delivery: DeliveryConfig {
            name: name.map(str::to_owned),
            outbox_capacity: 3,
            max_message_bytes: 10,
            ..DeliveryConfig::default()
        },
        ..EngineConfig::default()
    };
    h.engine = Engine::new(config, Ok(URL.into()), 1, vec![], WALL);
    h.drain();
    h
}

/// Joined a wschat.v1 server (empty room) as `name`; the hello is taken.
fn joined_as(name: Option<&str>) -> (Harness, Vec<ClientFrame>) {
    let mut h = named(name);
    h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    let frames = h.take_frames();
    (h, frames)
}

fn msg(seq: u64, from: Option<&str>, ts: Option<Millis>) -> ServerFrame {
    ServerFrame::Msg {
        seq,
        id: Some(format!("m{seq}")),
        text: format!("t{seq}"),
        from: from.map(str::to_owned),
        ts,
    }
}

/// Each rendered row's sender line and time.
fn senders_and_times(h: &Harness) -> Vec<(Option<String>, Option<Millis>)> {
    let rows = h.state.rows();
    rows.senders
        .iter()
        .zip(&rows.entries)
        .map(|(s, e)| (s.as_deref().map(str::to_owned), e.at()))
        .collect()
}

#[test]
fn the_cleaned_name_goes_in_every_hello() {
    let cases = [
        (Some("  Ann \n"), Some("Ann")),
        (Some(" \t"), None),
        (None, None),
    ];
    for (name, sent) in cases {
        let (mut h, frames) = joined_as(name);
        let hello = ClientFrame::Hello {
            after: Some(0),
            name: sent.map(str::to_owned),
        };
        assert_eq!(frames.first(), Some(&hello), "{name:?}");
        assert_eq!(frames.len(), 1);
        // And again after a reconnect.
        h.at(
            3,
            Event::Closed {
                code: 1006,
                reason: String::new(),
            },
        )
        .tick(1_003)
        .open(1_004, SUBPROTOCOL);
        assert_eq!(h.take_frames(), [hello], "{name:?}");
    }
}

#[test]
fn received_messages_carry_their_sender_and_the_server_time() {
    let (mut h, _) = joined_as(Some("Bob"));
    let t = WALL - 3_600_000;
    h.server(3, msg(1, Some("Ann"), Some(t)))
        .server(4, msg(2, Some("Ann"), Some(t + 1_000)))
        // An older server: no name, no time; shown at the time it arrived.
        .server(5, msg(3, None, None))
        .server(6, msg(4, Some("Ann"), Some(t + 2_000)));
    assert_eq!(
        senders_and_times(&h),
        [
            (Some("Ann".into()), Some(t)),
            (None, Some(t + 1_000)),
            (None, Some(WALL)),
            (Some("Ann".into()), Some(t + 2_000)),
        ]
    );
}

#[test]
fn our_messages_show_our_name_and_take_the_server_time_from_the_ack() {
    for (name, label) in [(Some("Bob"), "Bob"), (None, OWN_LABEL_WITHOUT_NAME)] {
        let (mut h, _) = joined_as(name);
        h.at(3, send("one")).at(4, send("two"));
        let ids: Vec<String> = h.take_frames().iter().map(id_of).collect();
        assert_eq!(
            senders_and_times(&h),
            [(Some(label.into()), Some(WALL)), (None, Some(WALL))]
        );
        let stored = WALL + 1_234;
        h.server(
            5,
            ServerFrame::Ack {
                id: ids[0].clone(),
                seq: 1,
                ts: Some(stored),
            },
        )
        // An older server acks without a time: the typed time stays.
        .server(
            6,
            ServerFrame::Ack {
                id: ids[1].clone(),
                seq: 2,
                ts: None,
            },
        );
        assert_eq!(
            senders_and_times(&h),
            [(Some(label.into()), Some(stored)), (None, Some(WALL))]
        );
    }
}

#[test]
fn a_plain_server_shows_no_senders_and_the_time_of_receipt() {
    let mut h = named(Some("Bob"));
    h.at(0, Event::UserConnect).open(1, "");
    h.at(2, send("mine")).at(3, text_event("theirs"));
    assert_eq!(
        senders_and_times(&h),
        [(None, Some(WALL)), (None, Some(WALL))]
    );
    assert_eq!(
        h.take_sent(),
        ["mine"],
        "no hello, no name on a plain server"
    );
}

#[test]
fn restored_messages_keep_their_typed_time_or_show_the_load_time() {
    let restored = vec![
        StoredMessage {
            id: "a".into(),
            text: "typed".into(),
            at: Some(WALL - 5),
        },
        StoredMessage {
            id: "b".into(),
            text: "older record".into(),
            at: None,
        },
    ];
    let h = Harness::new(restored);
    let times: Vec<_> = h.state.entries().iter().map(|e| e.at()).collect();
    assert_eq!(times, [Some(WALL - 5), Some(WALL)]);
}

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
    h.at(10, Event::UserRetry { id: fourth.clone() });
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
    h.at(12, Event::UserRetry { id: fourth.clone() });
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
    h.at(13, Event::UserRetry { id: fourth });
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
            },
        );
    }
    assert_eq!(h.shown(), ["a:failed", "b:failed"]);
    assert_eq!(failed_reason(&h)[0], "rejected by the server: busy");
    h.at(6, Event::UserRemove { id: ids[0].clone() });
    assert_eq!(h.shown(), ["b:failed"]);
    h.at(7, Event::UserRetry { id: ids[1].clone() });
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Send {
            id: ids[1].clone(),
            text: "b".into()
        }]
    );
    assert_eq!(h.flushed().len(), 1, "the retried message is saved again");
    // A removed message cannot come back.
    h.at(8, Event::UserRetry { id: ids[0].clone() });
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
    h.at(2, Event::UserRetry { id: big.clone() });
    assert_eq!(
        h.shown(),
        ["far too long for ten bytes:failed", "queued:queued"]
    );
    assert_eq!(failed_reason(&h), ["too large: 26 bytes, the limit is 10"]);
    let queued = match &*h.state.entries()[1] {
        Entry::Out { id, .. } => id.to_string(),
        other => panic!("{other:?}"),
    };
    h.at(3, Event::UserRemove { id: big })
        .at(4, Event::UserRemove { id: queued });
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
    h.at(500, Event::UserRetry { id: ids[0].clone() });
    assert_eq!(notices(&h), 1);
    // A kept one is retried (and fails again, being still too large), silently.
    h.at(501, Event::UserRetry { id: ids[2].clone() });
    assert_eq!(notices(&h), 1);
    h.at(502, Event::UserRetry { id: ids[2].clone() });
    assert_eq!(notices(&h), 1, "still kept after failing again");
}
