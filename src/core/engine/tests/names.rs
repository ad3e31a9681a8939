//! Who and when: the name in `hello`, sender lines and server times (Retry and Remove of
//! failed messages in `tests/failed.rs`).

use super::*;
use crate::core::view::days::FixedCalendar;
use crate::core::view::sender_runs::OWN_LABEL_WITHOUT_NAME;

/// A harness whose engine has this display name, not yet connected.
pub(super) fn named(name: Option<&str>) -> Harness {
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
pub(super) fn joined_as(name: Option<&str>) -> (Harness, Vec<ClientFrame>) {
    let mut h = named(name);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
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
        user: None,
        guest: false,
    }
}

/// Each rendered row's sender line and time.
fn senders_and_times(h: &Harness) -> Vec<(Option<String>, Option<Millis>)> {
    let rows = h.state.rows(&FixedCalendar::default());
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
            EngineEvent::Closed {
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
    h.at(0, EngineEvent::UserConnect).open(1, "");
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
        SavedMessage {
            id: "a".into(),
            text: "typed".into(),
            at: Some(WALL - 5),
        },
        SavedMessage {
            id: "b".into(),
            text: "older record".into(),
            at: None,
        },
    ];
    let h = Harness::new(restored);
    let times: Vec<_> = h.state.entries().iter().map(|e| e.at()).collect();
    assert_eq!(times, [Some(WALL - 5), Some(WALL)]);
}
