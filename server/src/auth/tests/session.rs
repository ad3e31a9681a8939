//! Sessions: guests, the sign-in deadline, rights, expiry and refresh.

use super::*;

#[test]
fn guests_get_what_anonymous_allows() {
    let post = |v: PostVerdict| match v {
        PostVerdict::Allowed => "allowed",
        PostVerdict::Rejected(_) => "rejected",
        PostVerdict::Closed(r) if r.code == close_code::UNAUTHORIZED => "closed 4401",
        PostVerdict::Closed(_) => "closed otherwise",
    };
    let cases = [
        (Guests::Post, true, "allowed", None),
        (Guests::Read, true, "rejected", None),
        (
            Guests::None,
            false,
            "closed 4401",
            Some(NOW * 1000 + 10_000),
        ),
    ];
    for (guests, reads, posts, due) in cases {
        let s = Session::new(rules(guests, None), "r", NOW * 1000);
        assert_eq!(s.may_read().is_ok(), reads, "{guests:?}");
        assert_eq!(post(s.may_post()), posts, "{guests:?}");
        assert_eq!(s.poll_timeout(), due, "{guests:?}");
        assert_eq!(s.name(Some("Guest".into())).as_deref(), Some("Guest"));
    }
}

#[test]
fn a_connection_that_never_signs_in_is_closed_at_the_deadline() {
    let (v, _dir) = verifier(None);
    let mut s = Session::new(rules(Guests::None, Some(v)), "r", NOW * 1000);
    assert_eq!(s.handle_timeout(NOW * 1000 + 9_999), None);
    let refusal = s.handle_timeout(NOW * 1000 + 10_000).expect("due");
    assert_eq!(
        (refusal.code, refusal.reason.as_str()),
        (close_code::UNAUTHORIZED, "no token within 10 s")
    );
}

#[test]
fn a_token_sets_name_and_rights_and_its_expiry_closes_after_the_grace() {
    let (v, _dir) = verifier(None);
    let mut s = Session::new(rules(Guests::None, Some(v)), "staff", NOW * 1000);
    let c = with(
        claims("u1"),
        "rooms",
        json!({"*": ["read"], "staff": ["read", "post"]}),
    );
    let exp = c["exp"].as_u64().expect("exp");
    assert_eq!(
        s.on_auth(&hs256(&c), NOW * 1000),
        Ok(ServerFrame::Authed {
            sub: "u1".into(),
            name: Some("Ann".into()),
            exp
        })
    );
    assert!(s.may_read().is_ok());
    assert_eq!(s.may_post(), PostVerdict::Allowed);
    // The token's name, whatever hello offers.
    assert_eq!(s.name(Some("Mallory".into())).as_deref(), Some("Ann"));
    let end = exp * 1000 + 20_000;
    assert_eq!(s.poll_timeout(), Some(end));
    assert_eq!(s.handle_timeout(end - 1), None);
    let refusal = s.handle_timeout(end).expect("expired");
    assert_eq!(refusal.code, close_code::UNAUTHORIZED);
}

#[test]
fn a_refresh_extends_the_token_and_may_not_change_the_user() {
    let (v, _dir) = verifier(None);
    let mut s = Session::new(rules(Guests::Post, Some(v)), "r", NOW * 1000);
    let first = with(claims("u1"), "exp", json!(now_secs() + 60));
    s.on_auth(&hs256(&first), NOW * 1000).expect("signed in");
    let exp = now_secs() + 600;
    let later = with(claims("u1"), "exp", json!(exp));
    s.on_auth(&hs256(&later), NOW * 1000).expect("refreshed");
    assert_eq!(s.poll_timeout(), Some(exp * 1000 + 20_000));
    let other = s
        .on_auth(&hs256(&claims("u2")), NOW * 1000)
        .expect_err("another user");
    assert_eq!(other.code, close_code::FORBIDDEN);
    assert_eq!(s.identity().map(|i| i.sub.as_str()), Some("u1"));
    // A bad refresh ends the connection too: the old token is not kept as a fallback.
    let expired = with(claims("u1"), "exp", json!(now_secs() - 60));
    assert_eq!(
        s.on_auth(&hs256(&expired), NOW * 1000)
            .expect_err("expired")
            .code,
        close_code::UNAUTHORIZED
    );
}

#[test]
fn rooms_the_token_does_not_allow_are_closed_with_4403() {
    let (v, _dir) = verifier(None);
    let rules = rules(Guests::Post, Some(v));
    let c = with(claims("u1"), "rooms", json!({"team-*": ["read"]}));
    let mut elsewhere = Session::new(rules.clone(), "lobby", NOW * 1000);
    let refusal = elsewhere
        .on_auth(&hs256(&c), NOW * 1000)
        .expect_err("not this room");
    assert_eq!(
        (refusal.code, refusal.reason.as_str()),
        (close_code::FORBIDDEN, "not allowed in this room")
    );
    let mut reader = Session::new(rules, "team-a", NOW * 1000);
    reader.on_auth(&hs256(&c), NOW * 1000).expect("allowed");
    assert!(reader.may_read().is_ok());
    assert!(matches!(reader.may_post(), PostVerdict::Rejected(_)));
    let no_read = with(claims("u1"), "rooms", json!({"*": ["post"]}));
    reader
        .on_auth(&hs256(&no_read), NOW * 1000)
        .expect("post-only is allowed in");
    assert_eq!(
        reader.may_read().expect_err("no read").code,
        close_code::FORBIDDEN
    );
}

#[test]
fn a_server_without_keys_answers_auth_with_an_error_and_keeps_the_guest() {
    let mut s = Session::new(rules(Guests::Post, None), "r", NOW * 1000);
    assert!(matches!(
        s.on_auth("anything", NOW * 1000),
        Ok(ServerFrame::Error { id: None, .. })
    ));
    assert!(s.identity().is_none());
    assert_eq!(s.may_post(), PostVerdict::Allowed);
}
