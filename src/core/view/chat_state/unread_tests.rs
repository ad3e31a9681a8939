//! Unread counts, the read position the glue reports, and the "New messages" divider.

use super::*;
use crate::core::view::days::FixedCalendar;
use crate::core::view::message_window::DisplayConfig;

fn incoming(seq: Option<Seq>) -> ChatUpdate {
    ChatUpdate::Incoming {
        seq,
        text: "t".into(),
        from: None,
        at: 0,
    }
}

fn chat() -> ChatState {
    ChatState::new(DisplayConfig {
        keep: 100,
        batch: 10,
        max_rendered: 50,
    })
}

#[test]
fn reading_moves_the_position_and_away_from_the_newest_counts() {
    let mut s = chat();
    s.apply(incoming(Some(1)));
    // At the newest, page visible: read, and reported once.
    assert_eq!((s.unread(), s.take_read_report()), (0, Some(1)));
    assert_eq!(s.take_read_report(), None);
    s.act(ViewAction::Scrolled { at_newest: false });
    s.apply(incoming(Some(2)));
    s.apply(incoming(Some(3)));
    assert_eq!((s.unread(), s.take_read_report()), (2, None));
    // Back at the newest: read up to 3.
    s.act(ViewAction::Scrolled { at_newest: true });
    assert_eq!((s.unread(), s.take_read_report()), (0, Some(3)));
    // A hidden page reads nothing, even at the newest; visible again, it does.
    s.apply(ChatUpdate::PageVisible(false));
    s.apply(incoming(Some(4)));
    s.apply(incoming(None));
    assert_eq!((s.unread(), s.take_read_report()), (2, None));
    s.apply(ChatUpdate::PageVisible(true));
    assert_eq!((s.unread(), s.take_read_report()), (0, Some(4)));
}

#[test]
fn the_servers_position_recounts_and_places_the_divider_once() {
    let mut s = chat();
    s.apply(ChatUpdate::PageVisible(false));
    // The position comes before the catch-up: 3 and below were read on another device.
    s.apply(ChatUpdate::ReadUpTo(3));
    for seq in 1..=6 {
        s.apply(incoming(Some(seq)));
    }
    assert_eq!(s.unread(), 3);
    let rows = s.rows(&FixedCalendar::default());
    assert_eq!(rows.divider, Some(3), "above seq 4");
    // Another tab read up to 5: one left; the divider stays where it was.
    s.apply(ChatUpdate::ReadUpTo(5));
    assert_eq!(s.unread(), 1);
    assert_eq!(s.rows(&FixedCalendar::default()).divider, Some(3));
    // Backwards moves nothing.
    s.apply(ChatUpdate::ReadUpTo(2));
    assert_eq!(s.unread(), 1);
    // Visible and at the newest: all read, the position reported.
    s.apply(ChatUpdate::PageVisible(true));
    assert_eq!((s.unread(), s.take_read_report()), (0, Some(6)));
}

#[test]
fn our_own_messages_are_never_unread() {
    let mut s = chat();
    s.apply(ChatUpdate::PageVisible(false));
    s.apply(ChatUpdate::Outgoing {
        id: "a".into(),
        text: "mine".into(),
        status: crate::core::view::entry::OutStatus::Queued,
        at: 0,
    });
    assert_eq!(s.unread(), 0);
    s.apply(incoming(Some(1)));
    assert_eq!(s.unread(), 1);
}
