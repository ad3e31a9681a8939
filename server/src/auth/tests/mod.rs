//! Tokens signed here with test keys, checked by a real [`Verifier`] (`verifier.rs`), driving
//! [`Session`]s (`session.rs`); what both use is here.

mod bans;
mod session;
mod verifier;

use super::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use ws_chat_protocol::{close_code, ServerFrame};

const SECRET: &str = "a test secret of at least thirty-two bytes";
const ED_PRIVATE: &str = include_str!("../../../tests/fixtures/jwt/ed25519.pem");
const EC_PRIVATE: &str = include_str!("../../../tests/fixtures/jwt/p256.pem");
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

fn rules(guests: Guests, verifier: Option<Verifier>) -> Arc<SessionRules> {
    Arc::new(SessionRules {
        verifier,
        guests,
        auth_timeout: Duration::from_secs(10),
        expiry_grace: Duration::from_secs(20),
        bans: Default::default(),
    })
}
