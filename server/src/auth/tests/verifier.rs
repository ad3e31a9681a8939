//! The verifier: keys, algorithms and the claim checks.

use super::*;

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
