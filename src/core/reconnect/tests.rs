//! Table-driven tests: each case is a script of steps at given times, each step checked against
//! the commands it must produce and the phase it must leave behind.

use super::*;
use crate::core::reconnect::backoff::Backoff;
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The moment `n` ms after the clock's origin.
fn at(n: u64) -> Moment {
    Moment::from_origin(ms(n))
}

#[derive(Debug, Clone, Copy)]
enum ScriptStep {
    In(u64, &'static str),
    /// `handle_timeout` at this time.
    Tick(u64),
    /// `handle_timeout` at whatever `poll_timeout` says.
    Due,
}

/// A short name for the phase, with the numbers that matter.
fn show(phase: &Phase) -> String {
    match phase {
        Phase::Connecting { attempt } => format!("connecting#{attempt}"),
        Phase::Open => "open".into(),
        Phase::Waiting { attempt, .. } => format!("waiting#{attempt}"),
        Phase::Offline => "offline".into(),
        Phase::Stopped(StopReason::User) => "stopped".into(),
        Phase::Stopped(StopReason::Refused { code, .. }) => format!("refused:{code}"),
        Phase::Stopped(StopReason::GaveUp { attempts }) => format!("gave-up:{attempts}"),
        Phase::Stopped(StopReason::Unusable { .. }) => "unusable".into(),
    }
}

fn input(name: &str) -> Input {
    match name {
        "start" => Input::Start,
        "stop" => Input::Stop,
        "retry" => Input::RetryNow,
        "opened" => Input::Opened,
        "dead" => Input::Dead {
            reason: "no pong".into(),
        },
        "online" => Input::Online,
        "offline" => Input::Offline,
        "visible" => Input::Visible,
        "unusable" => Input::Unusable {
            reason: "SyntaxError".into(),
        },
        close => Input::Closed {
            code: close.trim_start_matches("closed:").parse().expect(close),
            reason: "r".into(),
        },
    }
}

fn cmds(m: &mut Reconnect) -> String {
    let mut out = Vec::new();
    while let Some(c) = m.poll_command() {
        out.push(match c {
            Command::Connect => "connect".to_string(),
            Command::Close { code, .. } => format!("close:{code}"),
        });
    }
    out.join(",")
}

/// Runs `steps`, checking `(commands, phase)` after each.
fn run(config: ReconnectConfig, steps: &[(ScriptStep, &str, &str)]) {
    let mut m = Reconnect::new(config, 42);
    let mut now;
    for (i, (step, want_cmds, want_phase)) in steps.iter().enumerate() {
        match *step {
            ScriptStep::In(t, name) => {
                now = at(t);
                m.handle(input(name), now);
            }
            ScriptStep::Tick(t) => {
                now = at(t);
                m.handle_timeout(now);
            }
            ScriptStep::Due => {
                now = m
                    .poll_timeout()
                    .unwrap_or_else(|| panic!("step {i}: no timeout pending"));
                m.handle_timeout(now);
            }
        }
        let got = (cmds(&mut m), show(m.phase()));
        assert_eq!(
            (got.0.as_str(), got.1.as_str()),
            (*want_cmds, *want_phase),
            "step {i} {step:?} at {now:?}"
        );
    }
}

fn fixed(ms_: u64) -> ReconnectConfig {
    ReconnectConfig {
        backoff: Backoff::fixed(ms(ms_)),
        ..ReconnectConfig::default()
    }
}

use ScriptStep::*;

#[test]
fn a_socket_that_cannot_be_made_stops_until_connect_is_pressed() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            // The glue could not create the socket: no retries, no timers, no "Connecting…".
            (In(0, "unusable"), "", "unusable"),
            (Tick(60_000), "", "unusable"),
            (In(60_001, "online"), "", "unusable"),
            (In(60_002, "visible"), "", "unusable"),
            // A late event of no socket changes nothing.
            (In(60_003, "closed:1006"), "", "unusable"),
            (In(60_004, "unusable"), "", "unusable"),
            // Connect (or "reconnect now") tries once more, and a socket that opens is fine.
            (In(70_000, "start"), "connect", "connecting#0"),
            (In(70_001, "unusable"), "", "unusable"),
            (In(80_000, "retry"), "connect", "connecting#0"),
            (In(80_050, "opened"), "", "open"),
        ],
    );
}

#[test]
fn connects_opens_and_reconnects_after_a_drop() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(50, "opened"), "", "open"),
            (In(9_000, "closed:1006"), "", "waiting#1"),
            (Tick(9_999), "", "waiting#1"),
            (Tick(10_000), "connect", "connecting#1"),
            (In(10_100, "opened"), "", "open"),
        ],
    );
}

#[test]
fn reconnecting_close_codes() {
    for code in ["1000", "1001", "1006", "1011", "1012", "1013", "1014"] {
        let closed: &'static str = Box::leak(format!("closed:{code}").into_boxed_str());
        run(
            fixed(1_000),
            &[
                (In(0, "start"), "connect", "connecting#0"),
                (In(1, "opened"), "", "open"),
                (In(2, closed), "", "waiting#1"),
            ],
        );
    }
}

#[test]
fn stopping_close_codes_show_the_code_and_stay_stopped() {
    for code in [
        "1002", "1003", "1007", "1008", "1009", "1010", "4000", "4999",
    ] {
        let closed: &'static str = Box::leak(format!("closed:{code}").into_boxed_str());
        let refused: &'static str = Box::leak(format!("refused:{code}").into_boxed_str());
        run(
            fixed(1_000),
            &[
                (In(0, "start"), "connect", "connecting#0"),
                (In(1, "opened"), "", "open"),
                (In(2, closed), "", refused),
                (Tick(60_000), "", refused),
                (In(60_001, "online"), "", refused),
                (In(60_002, "visible"), "", refused),
                (In(60_003, "retry"), "connect", "connecting#0"),
            ],
        );
    }
}

#[test]
fn user_close_never_reconnects() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "opened"), "", "open"),
            (In(2, "stop"), "close:1000", "stopped"),
            (In(3, "closed:1000"), "", "stopped"),
            (Tick(100_000), "", "stopped"),
            (In(100_001, "online"), "", "stopped"),
            (In(100_002, "retry"), "", "stopped"),
            (In(100_003, "start"), "connect", "connecting#0"),
        ],
    );
    // Disconnect while waiting cancels the pending retry.
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "closed:1006"), "", "waiting#1"),
            (In(2, "stop"), "", "stopped"),
            (Tick(5_000), "", "stopped"),
        ],
    );
}

#[test]
fn attempt_count_resets_only_after_stable_uptime() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "closed:1006"), "", "waiting#1"),
            (Due, "connect", "connecting#1"),
            // Accepted, then dropped at once: still counts as a failure.
            (In(1_100, "opened"), "", "open"),
            (In(1_200, "closed:1006"), "", "waiting#2"),
            (Due, "connect", "connecting#2"),
            (In(2_300, "opened"), "", "open"),
            // 5 s of uptime resets the count...
            (Tick(7_299), "", "open"),
            (Tick(7_300), "", "open"),
            // ...so the next drop starts again at attempt 1.
            (In(8_000, "closed:1001"), "", "waiting#1"),
        ],
    );
}

#[test]
fn backoff_grows_per_failed_attempt() {
    let config = ReconnectConfig {
        backoff: Backoff {
            initial: ms(100),
            multiplier: 2.0,
            max: ms(1_000),
            jitter: 0.0,
        },
        ..ReconnectConfig::default()
    };
    let mut m = Reconnect::new(config, 1);
    m.handle(Input::Start, at(0));
    let mut now = Moment::ZERO;
    let mut delays = Vec::new();
    for _ in 0..6 {
        m.handle(input("closed:1006"), now);
        let due = m.poll_timeout().expect("retry pending");
        delays.push(due.saturating_duration_since(now).as_millis());
        now = due;
        m.handle_timeout(now);
    }
    assert_eq!(delays, [100, 200, 400, 800, 1_000, 1_000]);
}

#[test]
fn jittered_delays_differ_between_clients() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..20 {
        let mut m = Reconnect::new(ReconnectConfig::default(), seed);
        m.handle(Input::Start, at(0));
        m.handle(input("closed:1006"), at(0));
        let due = m.poll_timeout().expect("retry pending");
        assert!(due >= at(500) && due <= at(1_000), "{due:?}");
        seen.insert(due);
    }
    assert!(seen.len() > 15, "{seen:?}");
}

#[test]
fn connect_timeout_abandons_a_stuck_socket() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (Tick(9_999), "", "connecting#0"),
            (Tick(10_000), "close:4000", "waiting#1"),
            // The abandoned socket's own close event changes nothing.
            (In(10_001, "closed:1006"), "", "waiting#1"),
            (Tick(11_000), "connect", "connecting#1"),
        ],
    );
}

#[test]
fn attempt_limit_gives_up_and_manual_retry_starts_again() {
    let config = ReconnectConfig {
        max_attempts: Some(2),
        ..fixed(1_000)
    };
    run(
        config,
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "closed:1006"), "", "waiting#1"),
            (Due, "connect", "connecting#1"),
            (In(1_002, "closed:1006"), "", "waiting#2"),
            (Due, "connect", "connecting#2"),
            (In(2_003, "closed:1006"), "", "gave-up:2"),
            (Tick(100_000), "", "gave-up:2"),
            (In(100_001, "visible"), "", "gave-up:2"),
            (In(100_002, "retry"), "connect", "connecting#0"),
            (In(100_003, "closed:1006"), "", "waiting#1"),
        ],
    );
}

#[test]
fn offline_pauses_and_online_tries_at_once() {
    run(
        fixed(5_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "opened"), "", "open"),
            (In(2, "offline"), "", "open"),
            (In(3, "closed:1006"), "", "offline"),
            (Tick(60_000), "", "offline"),
            (In(60_001, "online"), "connect", "connecting#1"),
        ],
    );
    run(
        fixed(5_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "closed:1006"), "", "waiting#1"),
            (In(2, "offline"), "", "offline"),
            (Tick(5_001), "", "offline"),
            (In(6_000, "online"), "connect", "connecting#1"),
        ],
    );
    // Going offline mid-handshake drops the doomed socket.
    run(
        fixed(5_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "offline"), "close:4000", "offline"),
            (In(2, "closed:1006"), "", "offline"),
            (In(3, "online"), "connect", "connecting#0"),
        ],
    );
}

#[test]
fn starting_offline_waits_for_the_network_but_a_manual_retry_tries() {
    run(
        fixed(1_000),
        &[
            (In(0, "offline"), "", "stopped"),
            (In(1, "start"), "", "offline"),
            (In(2, "retry"), "connect", "connecting#0"),
            (In(3, "closed:1006"), "", "offline"),
            (In(4, "online"), "connect", "connecting#1"),
        ],
    );
}

#[test]
fn becoming_visible_while_waiting_tries_at_once() {
    run(
        fixed(30_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            (In(1, "closed:1006"), "", "waiting#1"),
            (In(2, "visible"), "connect", "connecting#1"),
            (In(3, "visible"), "", "connecting#1"),
        ],
    );
}

#[test]
fn a_timer_that_fires_far_too_late_is_a_wake() {
    run(
        fixed(1_000),
        &[
            (In(0, "start"), "connect", "connecting#0"),
            // Connect timeout due at 10 s fires at 100 s: the laptop slept. Retry at once
            // instead of counting a failure and waiting.
            (Tick(100_000), "close:4000,connect", "connecting#0"),
            (In(100_001, "opened"), "", "open"),
        ],
    );
}

#[test]
fn error_then_close_schedules_one_retry() {
    let mut m = Reconnect::new(fixed(1_000), 3);
    m.handle(Input::Start, at(0));
    assert_eq!(cmds(&mut m), "connect");
    m.handle(input("closed:1006"), at(10));
    let first = m.poll_timeout();
    m.handle(input("closed:1006"), at(20));
    m.handle(input("closed:1006"), at(30));
    assert_eq!(m.poll_timeout(), first);
    assert_eq!(show(m.phase()), "waiting#1");
    assert_eq!(cmds(&mut m), "");
}

#[test]
fn never_two_sockets() {
    // Every Connect is preceded by the end of the previous socket: count live sockets through a
    // long random-ish script and check it never exceeds one.
    let mut m = Reconnect::new(ReconnectConfig::default(), 9);
    let mut rng = Rng::new(5);
    let mut live = 0i32;
    let mut now = Moment::ZERO;
    let inputs = [
        "start",
        "stop",
        "retry",
        "opened",
        "closed:1006",
        "closed:1008",
        "dead",
        "online",
        "offline",
        "visible",
    ];
    for _ in 0..20_000 {
        now = now.saturating_add(ms(rng.next_u64() % 3_000));
        if rng.next_f64() < 0.3 {
            m.handle_timeout(now);
        } else {
            let name = inputs[(rng.next_u64() % inputs.len() as u64) as usize];
            let had_socket = m.has_socket();
            m.handle(input(name), now);
            // A socket's close event ends it without a command.
            if had_socket && name.starts_with("closed") && !m.has_socket() {
                live -= 1;
            }
        }
        while let Some(c) = m.poll_command() {
            match c {
                Command::Connect => live += 1,
                Command::Close { .. } => live -= 1,
            }
            assert!((0..=1).contains(&live), "live sockets: {live}");
        }
        assert_eq!(live == 1, m.has_socket(), "{:?}", m.phase());
    }
}
