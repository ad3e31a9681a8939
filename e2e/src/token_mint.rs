//! A host backend's token endpoint, as the tests need one: `GET /chat-token?user=NAME` on the
//! host page's origin answers `{"token": "…"}`, an HS256 token for that user signed with
//! [`TOKEN_SECRET`] (the companion server checks it with `--jwt-secret-file`). It counts its
//! answers per user, and can be told to refuse (403), as a backend does once its user has
//! logged out.

use anyhow::{Context, Result};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The secret the tokens are signed with.
pub const TOKEN_SECRET: &str = "the end-to-end tests' secret, over thirty-two bytes";

/// Mints tokens that run for `lifetime`.
pub struct TokenMint {
    key: EncodingKey,
    lifetime: Duration,
    refusing: AtomicBool,
    answered: Mutex<HashMap<String, u32>>,
}

impl TokenMint {
    /// Signs with [`TOKEN_SECRET`].
    pub fn new(lifetime: Duration) -> Self {
        Self::with_secret(TOKEN_SECRET.as_bytes(), lifetime).expect("an HMAC key takes any secret")
    }

    /// Signs with `secret`, as a `--jwt-secret-file` holds it (a trailing newline is not
    /// part of it).
    pub fn with_secret(secret: &[u8], lifetime: Duration) -> Result<Self> {
        let secret = secret.strip_suffix(b"\n").unwrap_or(secret);
        let secret = secret.strip_suffix(b"\r").unwrap_or(secret);
        Ok(TokenMint {
            key: EncodingKey::from_secret(secret)?,
            lifetime,
            refusing: AtomicBool::new(false),
            answered: Mutex::new(HashMap::new()),
        })
    }

    /// Writes [`TOKEN_SECRET`] to `path`, for the server's `--jwt-secret-file`.
    pub fn write_secret(path: &Path) -> Result<()> {
        std::fs::write(path, TOKEN_SECRET).with_context(|| format!("writing {}", path.display()))
    }

    /// From now on, every request gets 403 (or, with `false`, tokens again).
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    /// How many requests for `user` were answered, tokens and refusals alike.
    pub fn answered(&self, user: &str) -> u32 {
        let answered = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        answered.get(user).copied().unwrap_or(0)
    }

    /// The status and JSON body for a request of `query` (`user=NAME`).
    pub fn answer(&self, query: &str) -> (u16, String) {
        let user = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("user="))
            .filter(|user| !user.is_empty() && user.bytes().all(|b| b.is_ascii_alphanumeric()));
        let Some(user) = user else {
            return (400, r#"{"error":"user=NAME is needed"}"#.into());
        };
        *self
            .answered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(user.to_owned())
            .or_default() += 1;
        if self.refusing.load(Ordering::SeqCst) {
            return (403, r#"{"error":"signed out"}"#.into());
        }
        match self.token(user) {
            Ok(token) => (200, json!({ "token": token }).to_string()),
            Err(e) => (500, json!({ "error": e.to_string() }).to_string()),
        }
    }

    /// A token for `user`, named with a capital (`ann` → `Ann`).
    fn token(&self, user: &str) -> Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        let mut name = user.to_owned();
        name[..1].make_ascii_uppercase();
        let claims = json!({
            "sub": user,
            "name": name,
            "aud": "ws-chat",
            "iat": now,
            "exp": now + self.lifetime.as_secs(),
        });
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.key)?)
    }
}
