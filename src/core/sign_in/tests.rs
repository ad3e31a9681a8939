use super::*;

fn at(secs: u64) -> Moment {
    Moment::from_origin(Duration::from_secs(secs))
}

fn fetched() -> SignIn {
    SignIn::new(SignInConfig::default().supply(TokenSupply::Fetched), 7)
}

fn ann() -> SignedInUser {
    SignedInUser {
        sub: "u1".into(),
        name: Some("Ann".into()),
    }
}

/// Signs `s` in with `token` at `now`, the server saying it runs for `lifetime` seconds.
fn signed_in(s: &mut SignIn, token: &str, now: Moment, lifetime: u64) {
    let BeforeConnect::Fetch(Some(ticket)) = s.before_connect(now) else {
        panic!("expected a fetch");
    };
    assert_eq!(
        s.token_fetched(ticket, Ok(token.into()), now),
        FetchOutcome::Connect(Token::new(token.into()))
    );
    let wall_ms = 1_000_000;
    s.authed(ann(), wall_ms / 1_000 + lifetime, wall_ms, now);
}

#[test]
fn without_a_supply_a_chat_connects_as_a_guest() {
    let mut s = SignIn::new(SignInConfig::default().token_param(Some("t".into())), 1);
    assert_eq!(s.before_connect(at(0)), BeforeConnect::Ready(None));
    assert_eq!(s.token_param(), None);
    assert!(!s.refused());
}

#[test]
fn a_fixed_token_is_used_as_it_is_and_cannot_be_renewed() {
    let config = SignInConfig::default().supply(TokenSupply::Fixed("tok".into()));
    let mut s = SignIn::new(config, 1);
    for _ in 0..2 {
        assert_eq!(
            s.before_connect(at(0)),
            BeforeConnect::Ready(Some(Token::new("tok".into())))
        );
    }
    s.authed(ann(), 2_000, 1_000_000, at(0));
    assert_eq!(s.poll_timeout(), None, "a fixed token is never refreshed");
    assert!(!s.refused(), "a refused fixed token stops the chat");
    assert_eq!(
        format!("{:?}", TokenSupply::Fixed("secret".into())),
        "Fixed(…)"
    );
}

#[test]
fn a_fetched_token_is_reused_until_refused_or_expired() {
    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    assert_eq!(s.user(), Some(&ann()));
    s.connection_ended();
    assert_eq!(
        s.before_connect(at(10)),
        BeforeConnect::Ready(Some(Token::new("one".into())))
    );
    assert!(
        matches!(s.before_connect(at(100)), BeforeConnect::Fetch(Some(_))),
        "expired"
    );

    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    assert!(s.refused(), "a source can give a new token");
    assert_eq!(s.user(), None);
    assert!(
        matches!(s.before_connect(at(1)), BeforeConnect::Fetch(Some(_))),
        "refused"
    );
}

#[test]
fn with_a_token_param_every_attempt_fetches_a_fresh_token() {
    let config = SignInConfig::default()
        .supply(TokenSupply::Fetched)
        .token_param(Some("access_token".into()));
    let mut s = SignIn::new(config, 1);
    assert_eq!(s.token_param(), Some("access_token"));
    for n in 1..=3 {
        assert_eq!(
            s.before_connect(at(n)),
            BeforeConnect::Fetch(Some(n as u32))
        );
        assert_eq!(
            s.token_fetched(n as u32, Ok(format!("t{n}")), at(n)),
            FetchOutcome::Connect(Token::new(format!("t{n}")))
        );
        s.connection_ended();
    }
}

#[test]
fn a_refresh_runs_at_about_80_percent_of_the_lifetime() {
    for seed in 0..50 {
        let mut s = SignIn::new(SignInConfig::default().supply(TokenSupply::Fetched), seed);
        signed_in(&mut s, "one", at(0), 100);
        let due = s.poll_timeout().expect("a refresh is scheduled");
        assert!((at(75)..=at(85)).contains(&due), "seed {seed}: {due:?}");
        assert_eq!(s.handle_timeout(at(70)), None, "not yet");
        let ticket = s.handle_timeout(due).expect("a fetch");
        assert_eq!(s.poll_timeout(), None);
        assert_eq!(
            s.token_fetched(ticket, Ok("two".into()), due),
            FetchOutcome::Refresh(Token::new("two".into()))
        );
    }
}

#[test]
fn a_failed_refresh_is_retried_with_a_growing_wait_until_the_expiry() {
    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    let mut now = s.poll_timeout().unwrap();
    let mut waits = Vec::new();
    while let Some(ticket) = s.handle_timeout(now) {
        assert_eq!(
            s.token_fetched(ticket, Err("503".into()), now),
            FetchOutcome::Nothing
        );
        let Some(next) = s.poll_timeout() else { break };
        waits.push(next.saturating_duration_since(now).as_secs());
        now = next;
    }
    assert_eq!(waits[..3], [2, 4, 8]);
    assert!(now < at(100), "no refresh is tried past the expiry");
}

#[test]
fn a_failed_fetch_fails_the_waiting_attempt() {
    let mut s = fetched();
    let BeforeConnect::Fetch(Some(ticket)) = s.before_connect(at(0)) else {
        panic!()
    };
    assert_eq!(
        s.token_fetched(ticket, Err("HTTP 403".into()), at(1)),
        FetchOutcome::Failed("HTTP 403".into())
    );
    let BeforeConnect::Fetch(Some(ticket)) = s.before_connect(at(5)) else {
        panic!()
    };
    assert_eq!(
        s.token_fetched(ticket, Ok(String::new()), at(5)),
        FetchOutcome::Failed("it gave an empty token".into())
    );
}

#[test]
fn fetches_never_overlap_and_a_given_up_fetch_is_ignored() {
    let mut s = fetched();
    let BeforeConnect::Fetch(Some(first)) = s.before_connect(at(0)) else {
        panic!()
    };
    assert_eq!(
        s.before_connect(at(1)),
        BeforeConnect::Fetch(None),
        "one on its way"
    );
    // The attempt timed out: its fetch is given up, and the next attempt fetches anew.
    s.connection_ended();
    let BeforeConnect::Fetch(Some(second)) = s.before_connect(at(10)) else {
        panic!()
    };
    assert_ne!(first, second);
    assert_eq!(
        s.token_fetched(first, Ok("late".into()), at(11)),
        FetchOutcome::Nothing
    );
    assert_eq!(
        s.token_fetched(second, Ok("new".into()), at(11)),
        FetchOutcome::Connect(Token::new("new".into()))
    );
}

#[test]
fn no_refresh_runs_without_a_connection() {
    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    s.signed_out();
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(s.user(), None);
    assert_eq!(s.handle_timeout(at(90)), None);
}

#[test]
fn a_clock_far_ahead_never_makes_refreshes_run_in_a_loop() {
    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    // The server's exp is already past by this clock.
    s.authed(ann(), 1, 1_000_000, at(10));
    let due = s.poll_timeout().expect("a refresh");
    assert!(due >= at(12), "{due:?}: at least 2 s later");
}

#[test]
fn a_refresh_that_fails_after_the_connection_ended_is_not_retried() {
    for end in [
        SignIn::signed_out as fn(&mut SignIn),
        SignIn::connection_ended,
    ] {
        let mut s = fetched();
        signed_in(&mut s, "one", at(0), 100);
        let due = s.poll_timeout().unwrap();
        let ticket = s.handle_timeout(due).expect("a refresh fetch");
        end(&mut s);
        let late = s.token_fetched(ticket, Err("503".into()), due);
        assert_eq!(late, FetchOutcome::Nothing);
        assert_eq!(s.poll_timeout(), None, "no refresh without a connection");
    }
}

#[test]
fn a_refused_token_gives_up_a_refresh_that_never_answers() {
    let mut s = fetched();
    signed_in(&mut s, "one", at(0), 100);
    let due = s.poll_timeout().unwrap();
    let hung = s.handle_timeout(due).expect("a refresh fetch");
    assert!(s.refused());
    let BeforeConnect::Fetch(Some(next)) = s.before_connect(at(200)) else {
        panic!("the next attempt fetches at once");
    };
    assert_ne!(hung, next);
}
