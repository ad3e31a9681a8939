//! `/_test/token`: tokens for the browser tests, signed with the server's own HS256 secret, so
//! a test chat can sign in through a real token source (`TokenSource::Url`) against a server
//! that checks tokens.
//!
//! Only with `--fault-injection` and `--jwt-secret-file`, behind the same origin checks as the
//! other `/_test/*` routes: a server that mints its own tokens for anyone who asks checks
//! nothing, which is fine for a test and nowhere else.

use super::origin::{host, refuse_foreign, OriginPolicy};
use crate::clock::now_millis;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What signs the tokens.
pub struct TestMint {
    key: EncodingKey,
    audience: String,
}

impl TestMint {
    /// A mint for the HS256 secret in `secret` (the file's bytes, a trailing newline
    /// removed, as `--jwt-secret-file` reads it) and the tokens' audience.
    pub fn new(secret: &[u8], audience: &str) -> Result<Self, String> {
        let secret = secret.strip_suffix(b"\n").unwrap_or(secret);
        let secret = secret.strip_suffix(b"\r").unwrap_or(secret);
        Ok(TestMint {
            key: EncodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            audience: audience.to_owned(),
        })
    }
}

/// The `/_test/token` route, open to the origins `origins` allows.
pub fn router(mint: Arc<TestMint>, origins: Arc<OriginPolicy>) -> Router {
    let cors_origins = origins.clone();
    let cors = CorsLayer::new()
        .allow_methods([Method::GET])
        .allow_origin(AllowOrigin::predicate(move |origin, parts| {
            origin
                .to_str()
                .is_ok_and(|origin| cors_origins.allows(origin, host(&parts.headers)))
        }));
    Router::new()
        .route("/_test/token", get(token))
        .layer(cors)
        .layer(middleware::from_fn_with_state(origins, refuse_foreign))
        .with_state(mint)
}

#[derive(Deserialize)]
struct TokenQuery {
    sub: String,
    name: Option<String>,
    /// Its lifetime in seconds.
    secs: u64,
    /// `true`: may also delete messages, in every room.
    #[serde(default)]
    moderate: bool,
}

/// `{"token": "…"}` for `sub` (named `name`), running out in `secs` seconds (at most a day),
/// with the `moderate` right everywhere when asked.
async fn token(State(mint): State<Arc<TestMint>>, Query(q): Query<TokenQuery>) -> Response {
    let now = now_millis() / 1_000;
    let mut claims = json!({
        "sub": q.sub,
        "aud": mint.audience,
        "iat": now,
        "exp": now + q.secs.min(86_400),
    });
    if let Some(name) = q.name {
        claims["name"] = name.into();
    }
    if q.moderate {
        claims["rooms"] = json!({"*": ["read", "post", "moderate"]});
    }
    match encode(&Header::new(Algorithm::HS256), &claims, &mint.key) {
        Ok(token) => Json(json!({ "token": token })).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
