//! Signing in, through the engine: tokens before `hello`, refresh on the open connection,
//! and what each sign-in close code leads to.

use super::*;
use crate::core::sign_in::TokenSupply;
use ws_chat_protocol::close_code::{FORBIDDEN, REMOVED, UNAUTHORIZED};

fn fetched() -> SignInConfig {
    SignInConfig::default().supply(TokenSupply::Fetched)
}

fn token_event(ticket: u32, result: Result<&str, &str>) -> EngineEvent {
    EngineEvent::TokenFetched {
        ticket,
        result: result.map(str::to_owned).map_err(str::to_owned),
    }
}

/// `authed` for a token that runs `secs` more seconds from [`WALL`].
fn authed(secs: u64) -> ServerFrame {
    ServerFrame::Authed {
        sub: "u1".into(),
        name: Some("Ann".into()),
        exp: WALL / 1_000 + secs,
    }
}

fn closed(code: u16, reason: &str) -> EngineEvent {
    EngineEvent::Closed {
        code,
        reason: reason.into(),
    }
}

/// Connected with a fetched token `tok1` at 0–2 and signed in for `secs` seconds at 3.
fn signed_in(secs: u64) -> Harness {
    let mut h = Harness::signing_in(vec![], fetched());
    h.at(0, EngineEvent::UserConnect);
    assert_eq!((h.fetches.clone(), h.connects), (vec![1], 0), "fetch first");
    h.at(1, token_event(1, Ok("tok1")));
    assert_eq!(h.connects, 1);
    h.open(2, SUBPROTOCOL);
    let frames = h.take_frames();
    assert!(
        matches!(&frames[..], [ClientFrame::Auth { token }, ClientFrame::Hello { .. }] if token == "tok1")
    );
    h.server(3, authed(secs));
    h.server(
        4,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h
}

#[test]
fn a_guest_sends_no_auth() {
    let mut h = Harness::new(vec![]);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    assert!(h.fetches.is_empty());
    assert!(matches!(&h.take_frames()[..], [ClientFrame::Hello { .. }]));
    assert_eq!(h.state.user, None);
}

#[test]
fn a_fixed_token_goes_before_hello_and_the_user_is_shown() {
    let config = SignInConfig::default().supply(TokenSupply::Fixed("fixed".into()));
    let mut h = Harness::signing_in(vec![], config);
    h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
    assert!(h.fetches.is_empty());
    assert!(
        matches!(&h.take_frames()[..], [ClientFrame::Auth { token }, ClientFrame::Hello { .. }] if token == "fixed")
    );
    h.server(2, authed(60));
    let user = h.state.user.clone().expect("signed in");
    assert_eq!(
        (user.sub.as_str(), user.name.as_deref()),
        ("u1", Some("Ann"))
    );
    assert_eq!(h.engine.sign_in.poll_timeout(), None, "no refresh");
    // A fixed token cannot be renewed: refused, the chat stops and says why.
    h.at(3, closed(UNAUTHORIZED, "token expired"));
    assert_eq!(
        h.engine.phase(),
        &Phase::Stopped(crate::core::reconnect::StopReason::Refused {
            code: UNAUTHORIZED,
            reason: "token expired".into(),
        })
    );
    assert_eq!(h.state.user, None);
}

#[test]
fn a_refresh_goes_out_on_the_open_connection_without_a_reconnect() {
    let mut h = signed_in(100);
    assert_eq!(h.state.user.as_ref().map(|u| u.sub.as_str()), Some("u1"));
    h.take_sent();
    for round in 0..3u32 {
        // Rounded up: the refresh falls between whole ms.
        let due = ms_of(h.engine.sign_in.poll_timeout().expect("a refresh is due")) + 1;
        // Until then, every timer runs, and the server answers the heartbeat's pings.
        // (Each rounded up to a whole ms, as `due` is.)
        while let Some(next) = h
            .engine
            .poll_timeout()
            .map(|t| ms_of(t) + 1)
            .filter(|&t| t < due)
        {
            h.tick(next);
            if h.take_frames().contains(&ClientFrame::Ping) {
                h.server(next, ServerFrame::Pong);
            }
        }
        assert!(due > ms_of(h.now), "round {round}");
        h.tick(due);
        let ticket = *h.fetches.last().unwrap();
        assert_eq!(h.fetches.len() as u32, 2 + round);
        h.at(due + 1, token_event(ticket, Ok("fresh")));
        assert!(matches!(&h.take_frames()[..], [ClientFrame::Auth { token }] if token == "fresh"));
        h.server(due + 2, authed(100 + (due / 1_000)));
    }
    assert_eq!((h.connects, h.closes.len()), (1, 0), "never reconnected");
}

#[test]
fn after_4401_a_new_token_is_fetched_before_the_next_attempt() {
    let mut h = signed_in(100);
    h.at(10, closed(UNAUTHORIZED, "token expired"));
    assert!(matches!(h.engine.phase(), Phase::Waiting { .. }));
    assert_eq!(h.state.user, None);
    let retry = ms_of(h.engine.poll_timeout().unwrap());
    h.tick(retry);
    assert_eq!(h.connects, 1, "no connect with the refused token");
    assert_eq!(h.fetches, vec![1, 2]);
    h.at(retry + 1, token_event(2, Ok("tok2")));
    assert_eq!(h.connects, 2);
    h.open(retry + 2, SUBPROTOCOL);
    assert!(
        matches!(&h.take_frames()[..], [ClientFrame::Auth { token }, ClientFrame::Hello { .. }] if token == "tok2")
    );
}

#[test]
fn a_reconnect_reuses_a_token_the_server_has_not_refused() {
    let mut h = signed_in(100);
    h.at(10, closed(1006, ""));
    let retry = ms_of(h.engine.poll_timeout().unwrap());
    h.tick(retry);
    assert_eq!((h.connects, h.fetches.len()), (2, 1));
}

#[test]
fn a_failing_token_source_backs_off_and_says_signed_out() {
    let mut h = Harness::signing_in(vec![], fetched());
    h.at(0, EngineEvent::UserConnect);
    let mut waits = Vec::new();
    for n in 1..=4u32 {
        assert_eq!(h.fetches.len() as u32, n);
        h.at(ms_of(h.now) + 1, token_event(n, Err("HTTP 403")));
        let Phase::Waiting {
            retry_at,
            last_close,
            ..
        } = h.engine.phase().clone()
        else {
            panic!("waiting after a failed fetch");
        };
        assert_eq!(
            last_close,
            Some((UNAUTHORIZED, "no token: HTTP 403".into()))
        );
        waits.push(retry_at.saturating_duration_since(h.now));
        let view = crate::core::view::status::StatusView::new(h.engine.phase(), None, h.now);
        assert!(
            view.text.starts_with("Signed out: no token: HTTP 403"),
            "{}",
            view.text
        );
        h.tick(ms_of(retry_at));
    }
    assert_eq!(h.connects, 0);
    // The harness's backoff is fixed at 1 s: never a hot loop.
    assert!(waits.iter().all(|w| *w >= ms(1_000)), "{waits:?}");
}

#[test]
fn forbidden_and_removed_stop_and_nothing_is_fetched_any_more() {
    for (code, words) in [
        (FORBIDDEN, "Not allowed in this room"),
        (REMOVED, "Removed from this room"),
    ] {
        let mut h = signed_in(100);
        h.at(10, closed(code, "by a moderator"));
        assert!(matches!(h.engine.phase(), Phase::Stopped(_)), "{code}");
        assert_eq!(h.state.user, None);
        let view = crate::core::view::status::StatusView::new(h.engine.phase(), None, h.now);
        assert_eq!(view.text, format!("{words} (by a moderator)"));
        assert_eq!(
            h.engine.poll_timeout(),
            None,
            "{code}: no refresh, no retry"
        );
        h.tick(1_000_000);
        assert_eq!((h.fetches.len(), h.connects), (1, 1), "{code}");
    }
}

#[test]
fn a_token_that_comes_after_the_attempt_was_given_up_is_not_used() {
    let mut h = Harness::signing_in(vec![], fetched());
    h.at(0, EngineEvent::UserConnect);
    // The connect timeout (10 s) runs out while the source is silent.
    h.tick(10_000);
    assert!(matches!(h.engine.phase(), Phase::Waiting { .. }));
    h.at(10_001, token_event(1, Ok("late")));
    assert_eq!(h.connects, 0);
    let retry = ms_of(h.engine.poll_timeout().unwrap());
    h.tick(retry);
    assert_eq!(h.fetches, vec![1, 2], "a new fetch for the new attempt");
}

#[test]
fn a_token_param_puts_a_fresh_token_in_every_attempts_url() {
    let config = fetched().token_param(Some("access_token".into()));
    let mut h = Harness::signing_in(vec![], config);
    h.at(0, EngineEvent::UserConnect)
        .at(1, token_event(1, Ok("a+b")));
    assert_eq!(h.url, format!("{URL}?access_token=a%2Bb"));
    // First contact: the handshake without an offer goes at once, with a token of its own.
    h.at(2, closed(1006, "")).at(3, token_event(2, Ok("c")));
    assert!(
        h.url.starts_with(&format!("{URL}?access_token=c")),
        "{}",
        h.url
    );
    // And after the backoff.
    h.at(4, closed(1006, ""));
    let retry = ms_of(h.engine.poll_timeout().unwrap());
    h.tick(retry).at(retry + 1, token_event(3, Ok("d")));
    assert!(
        h.url.starts_with(&format!("{URL}?access_token=d")),
        "{}",
        h.url
    );
}

#[test]
fn disconnecting_drops_the_refresh() {
    let mut h = signed_in(100);
    h.at(10, EngineEvent::UserDisconnect);
    assert_eq!(h.engine.poll_timeout(), None);
    assert_eq!(h.state.user, None);
}

#[test]
fn another_users_message_under_our_id_is_theirs_and_guests_are_marked() {
    let mut h = signed_in(100);
    h.at(5, send("mine"));
    let id = id_of(&h.take_frames()[0]);
    let msg = |seq, text: &str, user: Option<&str>, guest| ServerFrame::Msg {
        seq,
        id: Some(id.clone()),
        text: text.into(),
        from: Some("Ann".into()),
        ts: None,
        user: user.map(str::to_owned),
        guest,
    };
    h.server(6, msg(1, "bob's", Some("u2"), false));
    h.server(7, msg(2, "a guest's", None, true));
    // Still waiting for its ack, below what the room holds.
    assert_eq!(h.shown(), ["<bob's", "<a guest's", "mine:sent"]);
    let senders: Vec<_> = h
        .state
        .entries()
        .iter()
        .filter_map(|e| match &**e {
            crate::core::view::entry::Entry::In { from, .. } => from.as_deref().map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(senders, ["Ann", "Ann (guest)"]);
    // Ours (user u1) confirms it, as a lost ack would have.
    h.server(8, msg(3, "mine", Some("u1"), false));
    assert_eq!(h.shown(), ["<bob's", "<a guest's", "mine:delivered"]);
}
