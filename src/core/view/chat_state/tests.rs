//! Display rules (room order, no duplicates, pending last), the caps, and the rendered window.

use super::*;
use crate::core::view::days::FixedCalendar;
use crate::core::view::entry::NoticeKind;

fn out(id: &str) -> ChatUpdate {
    ChatUpdate::Outgoing {
        id: id.into(),
        text: id.into(),
        status: OutStatus::Queued,
        at: 0,
    }
}

fn ack(id: &str, seq: Seq) -> ChatUpdate {
    ChatUpdate::Status {
        id: id.into(),
        status: OutStatus::Delivered,
        seq: Some(seq),
        at: None,
    }
}

fn incoming(seq: Option<Seq>, text: &str) -> ChatUpdate {
    ChatUpdate::Incoming {
        seq,
        text: text.into(),
        from: None,
        at: 0,
    }
}

fn label(e: &Entry) -> String {
    match e {
        Entry::Out { text, status, .. } => format!("{text}:{}", status.as_str()),
        Entry::In { text, .. } => text.to_string(),
        Entry::Notice { kind, .. } => format!("[{}]", kind.as_str()),
    }
}

fn texts(s: &ChatState) -> Vec<String> {
    s.entries().iter().map(|e| label(e)).collect()
}

fn rendered(s: &ChatState) -> Vec<String> {
    s.rows(&FixedCalendar::default())
        .entries
        .iter()
        .map(|e| label(e))
        .collect()
}

fn run(actions: Vec<ChatUpdate>) -> Vec<String> {
    let mut s = ChatState::default();
    for a in actions {
        s.apply(a);
    }
    texts(&s)
}

#[test]
fn display_rules() {
    let cases: Vec<(&str, Vec<ChatUpdate>, Vec<&str>)> = vec![
        (
            "plain messages append",
            vec![incoming(None, "a"), out("b"), incoming(None, "c")],
            vec!["a", "b:queued", "c"],
        ),
        (
            "room order whatever the arrival order",
            vec![
                incoming(Some(3), "c"),
                incoming(Some(1), "a"),
                incoming(Some(2), "b"),
            ],
            vec!["a", "b", "c"],
        ),
        (
            "a room message is never shown twice",
            vec![
                incoming(Some(1), "a"),
                incoming(Some(2), "b"),
                incoming(Some(1), "a"),
                incoming(Some(2), "b"),
            ],
            vec!["a", "b"],
        ),
        (
            "pending messages stay last until acked, then take their room place",
            vec![
                out("x"),
                incoming(Some(1), "a"),
                out("y"),
                incoming(Some(2), "b"),
                ack("y", 4),
                incoming(Some(3), "c"),
                ack("x", 5),
            ],
            vec!["a", "b", "c", "y:delivered", "x:delivered"],
        ),
        (
            "an acked message is not shown again when it comes back in a catch-up",
            vec![out("x"), ack("x", 1), incoming(Some(1), "x")],
            vec!["x:delivered"],
        ),
        (
            "a gap marker stays where it was seen",
            vec![
                incoming(Some(1), "a"),
                ChatUpdate::Notice {
                    kind: NoticeKind::Gap,
                    text: "missed".into(),
                },
                incoming(Some(9), "z"),
            ],
            vec!["a", "[gap]", "z"],
        ),
        (
            "failed messages keep their place",
            vec![
                out("x"),
                ChatUpdate::Status {
                    id: "x".into(),
                    status: OutStatus::Failed("too large".into()),
                    seq: None,
                    at: None,
                },
                incoming(Some(1), "a"),
            ],
            vec!["x:failed", "a"],
        ),
        (
            "a status for an unknown id changes nothing",
            vec![incoming(None, "a"), ack("nope", 1)],
            vec!["a"],
        ),
    ];
    for (name, actions, want) in cases {
        assert_eq!(run(actions), want, "{name}");
    }
}

fn small() -> ChatState {
    ChatState::new(DisplayConfig {
        keep: 10,
        batch: 3,
        max_rendered: 5,
    })
}

fn fill(s: &mut ChatState, from: u64, to: u64) {
    for seq in from..=to {
        s.apply(incoming(Some(seq), &seq.to_string()));
    }
}

#[test]
fn history_is_capped_but_pending_messages_stay() {
    let mut s = small();
    s.apply(out("mine"));
    fill(&mut s, 1, 25);
    assert_eq!(s.entries().len(), 10);
    assert_eq!(texts(&s).first().map(String::as_str), Some("17"));
    assert_eq!(texts(&s).last().map(String::as_str), Some("mine:queued"));
    // A sequence number older than everything kept is placed at the top, then evicted.
    s.apply(incoming(Some(2), "old"));
    assert!(!texts(&s).contains(&"old".to_string()));
}

#[test]
fn unchanged_rows_are_the_same_pointers_and_a_status_change_replaces_one() {
    let mut s = ChatState::default();
    fill(&mut s, 1, 3);
    s.apply(out("x"));
    let before = s.rows(&FixedCalendar::default()).entries;
    s.apply(ChatUpdate::Status {
        id: "x".into(),
        status: OutStatus::Sent,
        seq: None,
        at: None,
    });
    let after = s.rows(&FixedCalendar::default()).entries;
    assert!(before[..3]
        .iter()
        .zip(&after[..3])
        .all(|(a, b)| Rc::ptr_eq(a, b)));
    assert!(!Rc::ptr_eq(&before[3], &after[3]));
    assert_eq!(before[3].key(), after[3].key(), "the row keeps its key");
}

#[test]
fn following_renders_the_newest_page() {
    let mut s = small();
    fill(&mut s, 1, 8);
    let rows = s.rows(&FixedCalendar::default());
    assert_eq!(rendered(&s), ["6", "7", "8"]);
    assert!(rows.following && rows.earlier);
    assert_eq!(rows.unseen, 0);
}

#[test]
fn scrolling_up_anchors_the_window_and_counts_arrivals() {
    let mut s = small();
    fill(&mut s, 1, 8);
    s.act(ViewAction::Scrolled { at_newest: false });
    fill(&mut s, 9, 12);
    let rows = s.rows(&FixedCalendar::default());
    assert_eq!(rendered(&s), ["6", "7", "8", "9", "10"], "capped at 5");
    assert!(!rows.following);
    assert_eq!(rows.unseen, 4);
    s.act(ViewAction::ShowEarlier);
    assert_eq!(rendered(&s), ["3", "4", "5", "6", "7"]);
    s.act(ViewAction::ShowEarlier);
    assert_eq!(
        rendered(&s),
        ["3", "4", "5", "6", "7"],
        "keep is 10: 3 is the oldest"
    );
    assert!(!s.rows(&FixedCalendar::default()).earlier);
    s.act(ViewAction::JumpToNewest);
    assert_eq!(rendered(&s), ["10", "11", "12"]);
    assert_eq!(s.rows(&FixedCalendar::default()).unseen, 0);
}

#[test]
fn sending_or_scrolling_down_follows_again() {
    let mut s = small();
    fill(&mut s, 1, 8);
    s.act(ViewAction::ShowEarlier);
    assert_eq!(
        rendered(&s),
        ["4", "5", "6", "7", "8"],
        "following: the newest stays"
    );
    s.apply(out("hi"));
    assert_eq!(rendered(&s), ["7", "8", "hi:queued"]);
    s.act(ViewAction::Scrolled { at_newest: false });
    s.apply(incoming(Some(9), "9"));
    assert_eq!(s.rows(&FixedCalendar::default()).unseen, 1);
    s.act(ViewAction::Scrolled { at_newest: true });
    assert!(s.rows(&FixedCalendar::default()).following);
    assert_eq!(s.rows(&FixedCalendar::default()).unseen, 0);
    assert_eq!(rendered(&s), ["7", "8", "9", "hi:queued"]);
}

#[test]
fn earlier_rows_stay_while_following_until_the_cap_slides_them_out() {
    let mut s = small();
    fill(&mut s, 1, 8);
    // Asked for earlier messages while at the bottom: still following, with more rows.
    s.act(ViewAction::ShowEarlier);
    s.act(ViewAction::Scrolled { at_newest: true });
    assert_eq!(rendered(&s), ["4", "5", "6", "7", "8"]);
    fill(&mut s, 9, 10);
    assert_eq!(
        rendered(&s),
        ["6", "7", "8", "9", "10"],
        "at most 5, newest last"
    );
    assert_eq!(s.rows(&FixedCalendar::default()).unseen, 0);
    // Scrolling up again keeps exactly what is rendered, not the old anchor.
    s.act(ViewAction::Scrolled { at_newest: false });
    assert_eq!(rendered(&s), ["6", "7", "8", "9", "10"]);
    s.act(ViewAction::ShowEarlier);
    assert_eq!(rendered(&s), ["3", "4", "5", "6", "7"]);
}

#[test]
fn an_anchor_dropped_from_memory_starts_the_window_at_the_oldest() {
    let mut s = small();
    fill(&mut s, 1, 8);
    s.act(ViewAction::Scrolled { at_newest: false });
    fill(&mut s, 9, 30);
    assert_eq!(rendered(&s), ["21", "22", "23", "24", "25"]);
}

#[test]
fn settings_are_sanitized() {
    let c = DisplayConfig {
        keep: 0,
        batch: 0,
        max_rendered: 0,
    }
    .sanitized();
    assert_eq!((c.keep, c.batch, c.max_rendered), (1, 1, 1));
    let c = DisplayConfig {
        keep: 50,
        batch: 400,
        max_rendered: 300,
    }
    .sanitized();
    assert_eq!((c.keep, c.batch, c.max_rendered), (50, 50, 50));
}

#[test]
fn a_message_sent_to_a_plain_server_ages_out_like_any_other() {
    let mut s = small();
    s.apply(out("trigger"));
    s.apply(ChatUpdate::Status {
        id: "trigger".into(),
        status: OutStatus::Sent,
        seq: None,
        at: None,
    });
    for i in 0..1_000 {
        s.apply(incoming(None, &i.to_string()));
    }
    assert_eq!(s.entries().len(), 10);
    assert_eq!(texts(&s).last().map(String::as_str), Some("999"));
}

#[test]
fn a_hundred_thousand_messages_stay_within_the_caps() {
    let mut s = ChatState::default();
    fill(&mut s, 1, 100_000);
    assert_eq!(s.entries().len(), 1_000);
    let rows = s.rows(&FixedCalendar::default());
    assert_eq!(rows.entries.len(), DisplayConfig::default().batch);
    assert_eq!(label(rows.entries.last().unwrap()), "100000");
}
