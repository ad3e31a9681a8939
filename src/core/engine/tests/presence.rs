//! Who is in the room, through the engine: `watch` before every `hello`, the snapshot and its
//! changes shown once per batch, the count alone past the server's list, everything forgotten
//! with the connection, and nothing of it with a plain server.

use super::*;

fn present(who: &str, from: Option<&str>, guest: bool) -> ServerFrame {
    ServerFrame::Present {
        who: who.into(),
        from: from.map(str::to_owned),
        guest,
    }
}

fn count(count: u32, listed: bool) -> ServerFrame {
    ServerFrame::Presence { count, listed }
}

fn shown(h: &Harness) -> (Vec<String>, Option<u32>) {
    let (names, count) = &h.state.presence;
    (names.iter().map(|n| n.to_string()).collect(), *count)
}

#[test]
fn watch_goes_before_every_hello_and_only_to_wschat() {
    let mut h = Harness::joined(2);
    // Before the hello, the first frame of the connection.
    assert_eq!(h.watched, [0]);
    h.at(
        3,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    h.tick(1_100).open(1_200, SUBPROTOCOL);
    assert_eq!(h.watched.len(), 2);

    let mut plain = Harness::new(vec![]);
    plain
        .at(0, EngineEvent::UserConnect)
        .open(1, PLAIN_SUBPROTOCOL);
    plain.tick(5_000);
    assert!(plain.watched.is_empty());
    assert_eq!(plain.state.presence, (vec![], None));
}

#[test]
fn the_snapshot_and_its_changes_show_once_per_batch() {
    let mut h = Harness::joined(2);
    h.server(3, present("u1", Some("Ann"), false));
    h.server(3, present("guest:0.4", None, true));
    // Nothing shown until the count ends the batch.
    assert_eq!(shown(&h), (vec![], None));
    h.server(3, count(2, true));
    assert_eq!(shown(&h), (vec!["Ann".into(), "Guest".into()], Some(2)));
    h.server(4, ServerFrame::Absent { who: "u1".into() });
    h.server(4, present("u2", Some("Bob"), false));
    h.server(4, count(2, true));
    assert_eq!(shown(&h), (vec!["Guest".into(), "Bob".into()], Some(2)));
    // Past the server's list: the count alone.
    h.server(5, count(250, false));
    assert_eq!(shown(&h), (vec![], Some(250)));
    // Gone with the connection.
    h.at(
        6,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    assert_eq!(shown(&h), (vec![], None));
}
