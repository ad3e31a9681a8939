//! A server that says it is restarting (1012): when and where the chat comes back.

use super::*;
use std::time::Duration;
use ws_chat_protocol::close_code::{restart_reason, SERVICE_RESTART};

fn at(ms: u64) -> Moment {
    Moment::from_origin(Duration::from_millis(ms))
}

/// A machine over `servers` servers, connected at 0 and stable by `stable`'s end.
fn stable(servers: usize, seed: u64) -> Reconnect {
    let mut m = Reconnect::with_servers(ReconnectConfig::default(), seed, servers);
    m.handle(Input::Start, at(0));
    m.handle(Input::Opened, at(1));
    let stable_at = at(1).saturating_add(ReconnectConfig::default().stable_after);
    m.handle_timeout(stable_at);
    assert_eq!(m.poll_timeout(), None, "stable");
    while m.poll_command().is_some() {}
    m
}

fn restart(m: &mut Reconnect, reason: &str, now: u64) -> Duration {
    m.handle(
        Input::Closed {
            code: SERVICE_RESTART,
            reason: reason.into(),
        },
        at(now),
    );
    match m.phase() {
        Phase::Waiting { retry_at, .. } => retry_at.saturating_duration_since(at(now)),
        other => panic!("not waiting after a restart: {other:?}"),
    }
}

#[test]
fn the_delay_a_restart_names_is_kept_and_the_next_server_goes_first() {
    let mut m = stable(3, 1);
    assert_eq!(m.server(), 0);
    let wait = restart(&mut m, &restart_reason(1_840), 10_000);
    assert_eq!(wait, Duration::from_millis(1_840));
    assert_eq!(m.server(), 1, "the restarting server is left for the next");
    m.handle_timeout(at(11_840));
    assert_eq!(m.poll_command(), Some(Command::Connect));
}

#[test]
fn with_one_server_the_same_one_is_tried_after_the_delay() {
    let mut m = stable(1, 1);
    assert_eq!(
        restart(&mut m, &restart_reason(300), 10_000),
        Duration::from_millis(300)
    );
    assert_eq!(m.server(), 0);
}

#[test]
fn a_restart_naming_no_delay_waits_a_random_time_within_the_spread() {
    let spread = ReconnectConfig::default().restart_spread;
    let waits: Vec<Duration> = (0..50)
        .map(|seed| restart(&mut stable(2, seed), "service restart", 10_000))
        .collect();
    assert!(waits.iter().all(|w| *w <= spread), "{waits:?}");
    let (least, most) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
    assert!(
        *most - *least > spread / 2,
        "50 clients spread over most of {spread:?}: {waits:?}"
    );
}

#[test]
fn after_a_restart_the_backoff_starts_afresh_and_the_round_covers_every_server() {
    let mut m = stable(2, 1);
    restart(&mut m, &restart_reason(100), 10_000);
    m.handle_timeout(at(10_100));
    // Server 1 does not answer: back to server 0 after a hop, as a fresh round would.
    m.handle(
        Input::Closed {
            code: 1006,
            reason: String::new(),
        },
        at(10_200),
    );
    assert_eq!(m.server(), 0);
    match m.phase() {
        Phase::Waiting {
            attempt, retry_at, ..
        } => {
            assert_eq!(*attempt, 2, "the retry after the restart, then this one");
            assert_eq!(
                retry_at.saturating_duration_since(at(10_200)),
                ReconnectConfig::default().hop_delay
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_restart_before_the_connection_was_stable_counts_as_a_failure() {
    let mut m = Reconnect::with_servers(ReconnectConfig::default(), 1, 2);
    m.handle(Input::Start, at(0));
    m.handle(Input::Opened, at(1));
    let wait = restart(&mut m, &restart_reason(50), 100);
    assert_eq!(m.server(), 1);
    assert_eq!(
        wait,
        ReconnectConfig::default().hop_delay,
        "the longer of the two"
    );
    m.handle_timeout(at(100).saturating_add(wait));
    m.handle(Input::Opened, at(400));
    // Both servers now said "restarting" before the connection was stable: a backoff.
    let wait = restart(&mut m, &restart_reason(50), 500);
    assert!(wait > ReconnectConfig::default().hop_delay, "{wait:?}");
    assert!(matches!(m.phase(), Phase::Waiting { attempt: 2, .. }));
}

#[test]
fn a_policy_that_stops_on_1012_still_stops() {
    let config = ReconnectConfig::default().close_policy(
        close_code::ClosePolicy::default().stop(vec![SERVICE_RESTART..=SERVICE_RESTART]),
    );
    let mut m = Reconnect::new(config, 1);
    m.handle(Input::Start, at(0));
    m.handle(Input::Opened, at(1));
    m.handle(
        Input::Closed {
            code: SERVICE_RESTART,
            reason: restart_reason(10),
        },
        at(2),
    );
    assert!(matches!(
        m.phase(),
        Phase::Stopped(StopReason::Refused { code: 1012, .. })
    ));
}
