//! Who is typing, through the engine: this chat's typing throttled on the wire and stopped on
//! send, blur and idle; the others' shown by name, expired when quiet, cleared with the
//! connection; our own user in another tab left out; nothing of it with a plain server.

use super::*;

fn typing(typing: bool) -> EngineEvent {
    EngineEvent::UserTyping { typing }
}

fn heard(who: &str, from: Option<&str>, guest: bool, active: bool) -> ServerFrame {
    ServerFrame::Typing {
        who: who.into(),
        from: from.map(str::to_owned),
        guest,
        active,
    }
}

fn told(active: bool) -> ClientFrame {
    ClientFrame::Typing { active }
}

fn names(h: &Harness) -> Vec<String> {
    h.state.typing.iter().map(|n| n.to_string()).collect()
}

#[test]
fn own_typing_goes_out_throttled_and_stops_on_send_and_idle() {
    let mut h = Harness::joined(2);
    h.at(10, typing(true));
    assert_eq!(h.take_frames(), [told(true)]);
    h.at(500, typing(true)).at(2_000, typing(true));
    assert!(h.take_frames().is_empty(), "one start per repeat");
    // The repeat comes from the timer while keystrokes go on.
    assert_eq!(h.engine.poll_timeout(), Some(at_ms(3_010)));
    h.tick(3_010);
    assert_eq!(h.take_frames(), [told(true)]);
    // Sending stops, before the message.
    h.at(3_100, send("hi"));
    let frames = h.take_frames();
    assert_eq!(frames[0], told(false));
    assert!(matches!(frames[1], ClientFrame::Send { .. }));
    // A blur with nothing told says nothing.
    h.at(3_200, typing(false));
    assert!(h.take_frames().is_empty());
    // Typing again after the gap, then silence: the idle stop.
    h.at(4_200, typing(true));
    assert_eq!(h.take_frames(), [told(true)]);
    h.tick(7_199);
    assert!(h.take_frames().iter().all(|f| *f != told(false)));
    h.tick(7_200);
    assert_eq!(h.take_frames(), [told(false)]);
}

#[test]
fn others_typing_are_named_expire_and_go_with_the_connection() {
    let mut h = Harness::joined(2);
    h.server(3, heard("u2", Some("Bob"), false, true));
    h.server(4, heard("guest:0.7", None, true, true));
    h.server(5, heard("guest:0.8", Some("Cy"), true, true));
    assert_eq!(names(&h), ["Bob", "Guest", "Cy (guest)"]);
    h.server(6, heard("guest:0.7", None, true, false));
    assert_eq!(names(&h), ["Bob", "Cy (guest)"]);
    // Bob repeats; Cy goes quiet and expires.
    h.server(3_000, heard("u2", Some("Bob"), false, true));
    h.tick(6_005);
    assert_eq!(names(&h), ["Bob"]);
    h.at(
        6_100,
        EngineEvent::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    assert!(names(&h).is_empty());
}

#[test]
fn our_own_user_in_another_tab_is_not_someone_typing() {
    let mut h = Harness::joined(2);
    h.server(
        3,
        ServerFrame::Authed {
            sub: "u1".into(),
            name: Some("Ann".into()),
            exp: WALL / 1_000 + 600,
        },
    );
    h.server(4, heard("u1", Some("Ann"), false, true));
    assert!(names(&h).is_empty());
    h.server(5, heard("u2", None, false, true));
    assert_eq!(names(&h), ["Someone"]);
}

#[test]
fn nothing_of_typing_before_the_catch_up_or_with_a_plain_server() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    h.take_sent();
    h.at(2, typing(true));
    assert!(h.take_sent().is_empty(), "not synced yet");
    h.server(
        3,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.take_sent();
    // The keystroke before the sync was not told, so the next one starts at once.
    h.at(4, typing(true));
    assert_eq!(h.take_frames(), [told(true)]);

    let mut plain = Harness::new(vec![]);
    plain
        .at(0, EngineEvent::UserConnect)
        .open(1, PLAIN_SUBPROTOCOL);
    plain.at(2, typing(true)).tick(10_000);
    assert!(plain.take_sent().is_empty());
}
