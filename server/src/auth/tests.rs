//! Tokens signed here with test keys, checked by a real [`Verifier`], driving [`Session`]s.

use super::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use ws_chat_protocol::{close_code, ServerFrame};

const SECRET: &str = "a test secret of at least thirty-two bytes";
const ED_PRIVATE: &str = include_str!("../../tests/fixtures/jwt/ed25519.pem");
const EC_PRIVATE: &str = include_str!("../../tests/fixtures/jwt/p256.pem");
const NOW: u64 = 1_800_000_000;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

fn secret_file(dir: &tempfile::TempDir, content: &str) -> std::path::PathBuf {
    let path = dir.path().join("secret");
    std::fs::write(&path, content).expect("write secret");
    path
}

fn verifier(issuer: Option<&str>) -> (Verifier, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = VerifierKeys {
        secret_file: Some(secret_file(&dir, &format!("{SECRET}\n"))),
        public_key_files: vec![fixture("ed25519.pub.pem"), fixture("p256.pub.pem")],
        audience: "ws-chat".into(),
        issuer: issuer.map(str::to_owned),
    };
    let verifier = Verifier::from_keys(&keys)
        .expect("keys")
        .expect("configured");
    (verifier, dir)
}

fn now_secs() -> u64 {
    crate::clock::now_millis() / 1000
}

/// Claims valid for an hour from the real clock (the verifier checks `exp` against it).
fn claims(sub: &str) -> Value {
    json!({"sub": sub, "aud": "ws-chat", "exp": now_secs() + 3600, "iat": now_secs(), "name": "Ann"})
}

fn hs256(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).expect("key"),
    )
    .expect("sign")
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().expect("object").remove(key);
    claims
}

#[test]
fn each_key_kind_verifies_its_own_algorithm_only() {
    let (v, _dir) = verifier(None);
    let c = claims("u1");
    let ed = encode(
        &Header::new(Algorithm::EdDSA),
        &c,
        &EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).expect("ed key"),
    )
    .expect("sign");
    let ec = encode(
        &Header::new(Algorithm::ES256),
        &c,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).expect("ec key"),
    )
    .expect("sign");
    for token in [hs256(&c), ed, ec] {
        let identity = v.verify(&token).expect("valid");
        assert_eq!(
            (identity.sub.as_str(), identity.name.as_deref()),
            ("u1", Some("Ann"))
        );
    }
    // The secret used as an HS384 key, and a token that claims no algorithm at all.
    let hs384 = encode(
        &Header::new(Algorithm::HS384),
        &c,
        &EncodingKey::from_secret(SECRET.as_bytes()).expect("key"),
    )
    .expect("sign");
    assert_eq!(
        v.verify(&hs384),
        Err("token signed with HS384, which this server does not accept".into())
    );
    let unsigned = format!(
        "{}.{}.",
        base64_url(r#"{"alg":"none","typ":"JWT"}"#),
        base64_url(&c.to_string())
    );
    assert_eq!(v.verify(&unsigned), Err("malformed token".into()));
}

fn base64_url(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn bad_tokens_are_refused_with_a_reason_that_never_holds_the_token() {
    let (v, _dir) = verifier(Some("https://issuer.example"));
    let good = with(claims("u1"), "iss", json!("https://issuer.example"));
    assert!(v.verify(&hs256(&good)).is_ok());
    let wrong_secret = encode(
        &Header::new(Algorithm::HS256),
        &good,
        &EncodingKey::from_secret(b"another secret of at least thirty-two bytes").expect("key"),
    )
    .expect("sign");
    let cases: [(String, &str); 9] = [
        ("not a token".into(), "malformed token"),
        (wrong_secret, "token signature does not match"),
        (
            hs256(&with(good.clone(), "exp", json!(now_secs() - 60))),
            "token expired",
        ),
        (hs256(&without(good.clone(), "exp")), "token lacks `exp`"),
        (hs256(&without(good.clone(), "sub")), "token lacks `sub`"),
        (hs256(&without(good.clone(), "aud")), "token lacks `aud`"),
        (
            hs256(&with(good.clone(), "aud", json!("another-app"))),
            "token is for another audience",
        ),
        (
            hs256(&with(good.clone(), "iss", json!("https://evil.example"))),
            "token is from another issuer",
        ),
        (
            hs256(&with(good.clone(), "rooms", json!({"a": ["admin"]}))),
            "token claims are malformed",
        ),
    ];
    for (token, reason) in cases {
        let refused = v.verify(&token).expect_err(reason);
        assert_eq!(refused, reason);
        assert!(!refused.contains(&token));
    }
}

#[test]
fn key_files_that_cannot_work_stop_the_server_with_their_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let short = VerifierKeys {
        secret_file: Some(secret_file(&dir, "short\n")),
        ..VerifierKeys::default()
    };
    let e = Verifier::from_keys(&short).expect_err("too short");
    assert!(e.contains("at least 32 bytes"), "{e}");
    let missing = VerifierKeys {
        public_key_files: vec![dir.path().join("nope.pem")],
        ..VerifierKeys::default()
    };
    assert!(Verifier::from_keys(&missing)
        .expect_err("missing")
        .contains("nope.pem"));
    let private_as_public = VerifierKeys {
        public_key_files: vec![fixture("README.md")],
        ..VerifierKeys::default()
    };
    let e = Verifier::from_keys(&private_as_public).expect_err("not a key");
    assert!(e.contains("not a PEM Ed25519 or P-256 public key"), "{e}");
    assert!(Verifier::from_keys(&VerifierKeys::default())
        .expect("no keys")
        .is_none());
}

fn rules(guests: Guests, verifier: Option<Verifier>) -> Arc<SessionRules> {
    Arc::new(SessionRules {
        verifier,
        guests,
        auth_timeout: Duration::from_secs(10),
        expiry_grace: Duration::from_secs(20),
    })
}

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
        s.on_auth(&hs256(&c)),
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
    s.on_auth(&hs256(&first)).expect("signed in");
    let exp = now_secs() + 600;
    let later = with(claims("u1"), "exp", json!(exp));
    s.on_auth(&hs256(&later)).expect("refreshed");
    assert_eq!(s.poll_timeout(), Some(exp * 1000 + 20_000));
    let other = s.on_auth(&hs256(&claims("u2"))).expect_err("another user");
    assert_eq!(other.code, close_code::FORBIDDEN);
    assert_eq!(s.identity().map(|i| i.sub.as_str()), Some("u1"));
    // A bad refresh ends the connection too: the old token is not kept as a fallback.
    let expired = with(claims("u1"), "exp", json!(now_secs() - 60));
    assert_eq!(
        s.on_auth(&hs256(&expired)).expect_err("expired").code,
        close_code::UNAUTHORIZED
    );
}

#[test]
fn rooms_the_token_does_not_allow_are_closed_with_4403() {
    let (v, _dir) = verifier(None);
    let rules = rules(Guests::Post, Some(v));
    let c = with(claims("u1"), "rooms", json!({"team-*": ["read"]}));
    let mut elsewhere = Session::new(rules.clone(), "lobby", NOW * 1000);
    let refusal = elsewhere.on_auth(&hs256(&c)).expect_err("not this room");
    assert_eq!(
        (refusal.code, refusal.reason.as_str()),
        (close_code::FORBIDDEN, "not allowed in this room")
    );
    let mut reader = Session::new(rules, "team-a", NOW * 1000);
    reader.on_auth(&hs256(&c)).expect("allowed");
    assert!(reader.may_read().is_ok());
    assert!(matches!(reader.may_post(), PostVerdict::Rejected(_)));
    let no_read = with(claims("u1"), "rooms", json!({"*": ["post"]}));
    reader
        .on_auth(&hs256(&no_read))
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
        s.on_auth("anything"),
        Ok(ServerFrame::Error { id: None, .. })
    ));
    assert!(s.identity().is_none());
    assert_eq!(s.may_post(), PostVerdict::Allowed);
}
