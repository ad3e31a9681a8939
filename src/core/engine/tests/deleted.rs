//! Deleted messages: a tombstone blanks the message it names wherever it is (ours or
//! another's), a deleted message in a catch-up comes blank, and a tombstone seen twice counts
//! as a duplicate, not a second deletion.

use super::*;

fn msg(seq: u64, text: &str) -> ServerFrame {
    ServerFrame::Msg {
        seq,
        id: Some(format!("m{seq}")),
        text: text.into(),
        from: Some("Ann".into()),
        ts: Some(WALL),
        user: None,
        guest: false,
    }
}

#[test]
fn a_tombstone_blanks_the_message_it_names_and_counts_its_own_seq() {
    let mut h = Harness::joined(1);
    h.server(2, msg(1, "first")).server(3, msg(2, "second"));
    h.at(4, send("mine"));
    let id = id_of(&h.take_frames()[0]);
    h.server(
        5,
        ServerFrame::Ack {
            id,
            seq: 3,
            ts: Some(WALL),
        },
    );
    assert_eq!(h.shown(), ["<first", "<second", "mine:delivered"]);
    h.server(6, ServerFrame::Deleted { seq: 4, of: 1 })
        .server(7, ServerFrame::Deleted { seq: 5, of: 3 });
    assert_eq!(h.shown(), ["<", "<second", ":delivered"], "blank: deleted");
    // Seen again (a catch-up after a reconnect): nothing changes but the count.
    h.server(8, ServerFrame::Deleted { seq: 4, of: 1 });
    assert_eq!(h.state.stats.duplicates, 1);
    // A tombstone for a message not kept here changes nothing shown.
    h.server(9, ServerFrame::Deleted { seq: 6, of: 99 });
    assert_eq!(h.shown(), ["<", "<second", ":delivered"]);
}

#[test]
fn a_deleted_message_in_a_catch_up_comes_blank() {
    let mut h = Harness::joined(1);
    h.server(2, msg(1, "")).server(3, msg(2, "kept"));
    assert_eq!(h.shown(), ["<", "<kept"]);
}
