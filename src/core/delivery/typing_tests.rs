use super::*;
use crate::core::delivery::people::People;

fn at(ms: u64) -> Moment {
    Moment::from_origin(Duration::from_millis(ms))
}

#[test]
fn own_typing_starts_at_once_repeats_while_it_goes_on_and_stops_once() {
    let mut own = OwnTyping::default();
    // (time, what happened, what the room is told)
    enum Step {
        Key,
        Tick,
        Stop,
    }
    use Step::*;
    let steps = [
        (1_000, Key, Some(true)),
        (1_200, Key, None),
        (3_900, Key, None),
        // The repeat, from the timer: the last keystroke was under IDLE ago.
        (4_000, Tick, Some(true)),
        (4_100, Stop, Some(false)),
        (4_200, Stop, None),
        // A start right after a stop waits out the gap, then goes by the timer.
        (4_500, Key, None),
        (5_000, Tick, Some(true)),
        // Idle: no keystroke since 4 500.
        (7_499, Tick, None),
        (7_500, Tick, Some(false)),
        (9_000, Tick, None),
    ];
    for (i, (ms, step, told)) in steps.into_iter().enumerate() {
        let got = match step {
            Key => own.keystroke(at(ms)),
            Tick => own.poll(at(ms)),
            Stop => own.stop(),
        };
        assert_eq!(got, told, "step {i} at {ms} ms");
    }
    assert_eq!(own.poll_timeout(), None);
}

#[test]
fn own_typing_wakes_for_the_repeat_and_the_idle_stop() {
    let mut own = OwnTyping::default();
    assert_eq!(own.poll_timeout(), None);
    own.keystroke(at(1_000));
    assert_eq!(own.poll_timeout(), Some(at(4_000)));
    own.keystroke(at(2_500));
    assert_eq!(own.poll_timeout(), Some(at(4_000)));
    assert_eq!(own.poll(at(4_000)), Some(true));
    assert_eq!(own.poll_timeout(), Some(at(5_500)));
}

#[test]
fn a_flood_of_keystrokes_is_one_start_per_repeat() {
    let mut own = OwnTyping::default();
    let told = (0..30_000u64)
        .filter_map(|ms| own.keystroke(at(ms)))
        .count();
    // 30 s of a keystroke every millisecond: a start every 3 s.
    assert_eq!(told, 10);
}

#[test]
fn typists_come_refresh_go_and_expire() {
    let mut t = People::new(MAX_TYPISTS, Some(EXPIRES));
    let names = |t: &People| t.names().iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert!(t.heard("u1".into(), "Ann".into(), true, at(0)));
    assert!(t.heard("u2".into(), "Bob".into(), true, at(100)));
    // A repeat changes nothing shown, but keeps Ann.
    assert!(!t.heard("u1".into(), "Ann".into(), true, at(5_000)));
    assert_eq!(names(&t), ["Ann", "Bob"]);
    assert_eq!(t.poll_timeout(), Some(at(6_100)));
    assert!(t.expire(at(6_100)));
    assert_eq!(names(&t), ["Ann"]);
    assert!(!t.heard("u9".into(), "Nobody".into(), false, at(6_200)));
    assert!(t.heard("u1".into(), "Ann".into(), false, at(6_300)));
    assert!(names(&t).is_empty());
    assert!(!t.expire(at(60_000)));
    assert!(!t.clear());
}

#[test]
fn typists_are_bounded() {
    let mut t = People::new(MAX_TYPISTS, Some(EXPIRES));
    for i in 0..1_000 {
        t.heard(format!("u{i}"), "x".into(), true, at(0));
    }
    assert_eq!(t.names().len(), MAX_TYPISTS);
    assert!(t.clear());
    assert_eq!(t.poll_timeout(), None);
}
