//! Asking the server for older messages: one `history` at a time, on a synced wschat.v1
//! connection only; its page gathered into one update and shown even where seen before; a
//! server that does not know `history` asked no more.

use super::*;
use crate::core::view::update::ViewAction;

fn msg(seq: u64) -> ServerFrame {
    ServerFrame::Msg {
        seq,
        id: None,
        text: format!("m{seq}"),
        from: Some("Ann".into()),
        ts: Some(WALL + seq),
        user: None,
        guest: false,
    }
}

fn load_older(before: Option<u64>) -> EngineEvent {
    EngineEvent::UserLoadOlder { before }
}

#[test]
fn a_page_is_asked_for_once_and_goes_in_front() {
    let mut h = Harness::joined(2);
    h.server(3, msg(10)).server(4, msg(11));
    h.at(5, load_older(Some(10)));
    assert_eq!(
        h.take_frames(),
        [ClientFrame::History {
            before: Some(10),
            limit: 50
        }]
    );
    h.at(6, load_older(Some(10)));
    assert!(h.take_sent().is_empty(), "one request at a time");
    h.server(
        7,
        ServerFrame::History {
            before: Some(10),
            count: 2,
            more: true,
        },
    );
    h.server(8, msg(8));
    // A live message cannot come in between (the server writes the page first); the page's
    // messages are no duplicates, however the seen seqs look.
    h.server(9, msg(9));
    assert_eq!(h.shown(), ["<m8", "<m9", "<m10", "<m11"]);
    assert_eq!(h.state.stats.duplicates, 0);
    // The next page can be asked for, and live messages flow as before.
    h.server(10, msg(12));
    assert_eq!(h.shown().last().map(String::as_str), Some("<m12"));
    h.at(11, load_older(Some(8)));
    assert_eq!(h.take_frames().len(), 1);
}

#[test]
fn nothing_is_asked_before_the_catch_up_or_of_a_plain_server() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.take_sent();
    h.at(2, load_older(None));
    assert!(h.take_sent().is_empty(), "not synced yet");
    let mut plain = Harness::new(vec![]);
    plain
        .at(0, EngineEvent::UserConnect)
        .open(1, PLAIN_SUBPROTOCOL);
    plain.at(2, load_older(None));
    assert!(plain.take_sent().is_empty());
}

#[test]
fn a_server_without_history_is_asked_no_more_and_shows_no_error() {
    let mut h = Harness::joined(2);
    h.state.act(ViewAction::Scrolled { at_newest: false });
    h.at(3, load_older(None));
    h.server(
        4,
        ServerFrame::Error {
            id: None,
            reason: "malformed wschat.v1 envelope: unknown variant `history`".into(),
        },
    );
    assert!(h.shown().is_empty(), "no notice: {:?}", h.shown());
    let rows = h
        .state
        .rows(&crate::core::view::days::FixedCalendar::default());
    assert!(!rows.older, "nothing more to ask");
}

#[test]
fn a_page_cut_off_by_a_lost_socket_can_be_asked_for_again() {
    let mut h = Harness::joined(2);
    h.at(3, load_older(None));
    h.take_sent();
    h.server(
        4,
        ServerFrame::History {
            before: None,
            count: 2,
            more: false,
        },
    );
    h.server(5, msg(1));
    h.at(
        6,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    let retry = ms_of(h.engine.poll_timeout().expect("a retry"));
    h.tick(retry).open(retry + 1, SUBPROTOCOL);
    h.server(
        retry + 2,
        ServerFrame::Synced {
            head: 1,
            gap: false,
        },
    );
    h.take_sent();
    h.at(retry + 3, load_older(None));
    assert_eq!(h.take_frames().len(), 1);
}
