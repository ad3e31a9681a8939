//! The status line for every phase, and the details line.

use super::*;
use std::time::Duration;

#[test]
fn states_and_texts() {
    let s = |n| Moment::from_origin(Duration::from_secs(n));
    let waiting = Phase::Waiting {
        attempt: 3,
        retry_at: s(10),
        last_close: Some((1006, String::new())),
    };
    let refused = Phase::Stopped(StopReason::Refused {
        code: 1008,
        reason: "banned".into(),
    });
    let cases = [
        (
            Phase::Connecting { attempt: 0 },
            "connecting",
            "Connecting…",
            false,
            false,
        ),
        (
            Phase::Connecting { attempt: 2 },
            "reconnecting",
            "Reconnecting (attempt 2)…",
            false,
            false,
        ),
        (Phase::Open, "open", "Connected", false, false),
        (
            waiting,
            "reconnecting",
            "Connection lost (1006 connection lost); attempt 3, retrying in 4 s",
            true,
            false,
        ),
        (
            Phase::Offline,
            "offline",
            "Offline: waiting for the network",
            true,
            false,
        ),
        (
            Phase::Stopped(StopReason::User),
            "closed",
            "Disconnected",
            false,
            true,
        ),
        (
            refused,
            "closed",
            "Closed by the server: 1008 policy violation: banned",
            true,
            true,
        ),
        (
            Phase::Stopped(StopReason::GaveUp { attempts: 5 }),
            "closed",
            "Gave up after 5 failed attempts",
            true,
            true,
        ),
    ];
    for (phase, state, text, retry, stopped) in cases {
        let v = StatusView::new(
            &phase,
            None,
            Moment::from_origin(Duration::from_millis(6_500)),
        );
        let shown = v.text.clone() + v.countdown.as_deref().unwrap_or_default();
        assert_eq!(
            (v.state, shown.as_str(), v.can_retry_now, v.stopped),
            (state, text, retry, stopped)
        );
        assert!(!v.text.contains("retrying in"), "announced: {}", v.text);
    }
}

#[test]
fn several_servers_are_named_one_is_not() {
    let server = |one_of_several| ServerShown {
        label: "127.0.0.1:9102".into(),
        one_of_several,
    };
    let (several, one) = (server(true), server(false));
    let waiting = Phase::Waiting {
        attempt: 1,
        retry_at: Moment::from_origin(Duration::from_secs(1)),
        last_close: None,
    };
    let user = Phase::Stopped(StopReason::User);
    let cases = [
        (
            Phase::Open,
            &several,
            "Connected to 127.0.0.1:9102",
            Some("127.0.0.1:9102"),
        ),
        (Phase::Open, &one, "Connected", Some("127.0.0.1:9102")),
        (
            Phase::Connecting { attempt: 0 },
            &several,
            "Connecting to 127.0.0.1:9102…",
            Some("127.0.0.1:9102"),
        ),
        (
            Phase::Connecting { attempt: 2 },
            &several,
            "Reconnecting to 127.0.0.1:9102 (attempt 2)…",
            Some("127.0.0.1:9102"),
        ),
        (
            Phase::Connecting { attempt: 2 },
            &one,
            "Reconnecting (attempt 2)…",
            Some("127.0.0.1:9102"),
        ),
        // Waiting keeps its countdown; the attribute names the server tried next.
        (
            waiting,
            &several,
            "Connection lost; attempt 1, retrying in 1 s",
            Some("127.0.0.1:9102"),
        ),
        (
            Phase::Offline,
            &several,
            "Offline: waiting for the network",
            None,
        ),
        (user, &several, "Disconnected", None),
    ];
    for (phase, server, text, attribute) in cases {
        let v = StatusView::new(
            &phase,
            Some(server),
            Moment::from_origin(Duration::from_millis(500)),
        );
        let shown = v.text.clone() + v.countdown.as_deref().unwrap_or_default();
        assert_eq!(
            (shown.as_str(), v.server.as_deref()),
            (text, attribute),
            "{phase:?}"
        );
    }
}

#[test]
fn the_details_line_names_what_the_handshake_settled_on() {
    let details = |protocol: &str, extensions: &str| Details {
        protocol: protocol.into(),
        extensions: extensions.into(),
    };
    let cases = [
        (
            details("wschat.v1", "permessage-deflate"),
            "wschat.v1 · permessage-deflate",
        ),
        (details("", ""), "plain text · no extensions"),
        (details(PLAIN_SUBPROTOCOL, "x"), "plain text · x"),
    ];
    for (d, want) in cases {
        assert_eq!(details_text(&d), want);
    }
}

#[test]
fn the_signed_in_user_is_shown_only_while_open() {
    use crate::core::sign_in::SignedInUser;
    let ann = SignedInUser {
        sub: "u1".into(),
        name: Some("Ann".into()),
    };
    let nameless = SignedInUser {
        sub: "u2".into(),
        name: None,
    };
    let open =
        StatusView::new(&Phase::Open, None, Moment::ZERO).signed_in_as(&Phase::Open, Some(&ann));
    assert_eq!(
        (open.text.as_str(), open.user.as_deref()),
        ("Connected, signed in as Ann", Some("u1"))
    );
    let open = StatusView::new(&Phase::Open, None, Moment::ZERO)
        .signed_in_as(&Phase::Open, Some(&nameless));
    assert_eq!(open.text, "Connected, signed in as u2");
    let offline = StatusView::new(&Phase::Offline, None, Moment::ZERO)
        .signed_in_as(&Phase::Offline, Some(&ann));
    assert_eq!(offline.user, None);
    assert!(!offline.text.contains("signed in"));
}
