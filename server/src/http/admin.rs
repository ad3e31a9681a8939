//! `/admin/*`: kicking users and revoking tokens, for a host's backend (only mounted with
//! `--admin-token-file`).
//!
//! Every request carries `Authorization: Bearer <admin token>`: none (or not a bearer) is
//! 401, a wrong one 403, compared in constant time. Bodies are small JSON objects; anything
//! else is 400 with a reason. What is asked is kept in the store before the answer (so it
//! survives a restart and, with Redis, reaches every server), and a store that cannot keep it
//! makes the answer 503: nothing is applied then, and the caller tries again.
//!
//! Browsers never send the admin token on their own, so no page can make these requests
//! with it; and no CORS headers are sent, so none can read an answer.

use crate::auth::Ban;
use crate::clock::now_millis;
use crate::log_safe::Escaped;
use crate::rooms::Registry;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Longest kick or revocation: a year.
const MAX_SECONDS: u64 = 365 * 24 * 60 * 60;
/// How long a revocation is kept when the request does not say: it must outlive the tokens
/// it refuses, and a day outlives any sensible chat token.
const DEFAULT_REVOKE_SECONDS: u64 = 24 * 60 * 60;
/// Longest user id, token id or room name taken.
const MAX_NAME_BYTES: usize = 256;
const MAX_BODY_BYTES: usize = 16 * 1024;

struct AdminApi {
    token: Vec<u8>,
    registry: Arc<Registry>,
}

/// The `/admin/*` routes, for requests bearing `token`.
pub fn router(token: Vec<u8>, registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/admin/kick", post(kick))
        .route("/admin/revoke", post(revoke))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(Arc::new(AdminApi { token, registry }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KickRequest {
    #[serde(default)]
    room: Option<String>,
    sub: String,
    seconds: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeRequest {
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    issued_before: Option<u64>,
    /// How long the revocation is kept; a day by default.
    #[serde(default)]
    seconds: Option<u64>,
}

/// `{room?, sub, seconds}`: closes `sub`'s connections (in `room`, or everywhere) with 4409
/// and refuses that user there for `seconds`.
async fn kick(State(api): State<Arc<AdminApi>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = authorize(&api.token, &headers) {
        return refused;
    }
    let request: KickRequest = match parse(&body) {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    let checked = name("sub", &request.sub)
        .and_then(|()| request.room.as_deref().map_or(Ok(()), |r| name("room", r)))
        .and_then(|()| seconds(request.seconds));
    if let Err(reason) = checked {
        return bad_request(reason);
    }
    let ban = Ban::Kick {
        room: request.room,
        sub: request.sub,
        until: until(request.seconds),
    };
    apply(&api.registry, ban).await
}

/// `{jti}` or `{sub, issued_before}`, each with an optional `seconds` (how long it is kept):
/// refuses that token, or that user's tokens issued before then, with 4401 from now on, on
/// live connections too.
async fn revoke(State(api): State<Arc<AdminApi>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = authorize(&api.token, &headers) {
        return refused;
    }
    let request: RevokeRequest = match parse(&body) {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    let keep = request.seconds.unwrap_or(DEFAULT_REVOKE_SECONDS);
    if let Err(reason) = seconds(keep) {
        return bad_request(reason);
    }
    let until = until(keep);
    let ban = match (request.jti, request.sub, request.issued_before) {
        (Some(jti), None, None) => name("jti", &jti).map(|()| Ban::RevokeToken { jti, until }),
        (None, Some(sub), Some(issued_before)) => name("sub", &sub).map(|()| Ban::RevokeUser {
            sub,
            issued_before,
            until,
        }),
        _ => Err("give either `jti`, or `sub` with `issued_before`".into()),
    };
    match ban {
        Ok(ban) => apply(&api.registry, ban).await,
        Err(reason) => bad_request(reason),
    }
}

/// Keeps and applies `ban`; answers with what was kept.
async fn apply(registry: &Registry, ban: Ban) -> Response {
    let record = ban.to_record();
    match registry.ban(ban).await {
        Ok(()) => {
            tracing::info!(record = %Escaped(&record), "admin: kept");
            let kept: serde_json::Value = serde_json::from_str(&record).unwrap_or_default();
            (StatusCode::OK, Json(kept)).into_response()
        }
        Err(e) => {
            tracing::error!("admin: not kept: {e}");
            let reason = format!("not kept, nothing changed; try again: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "error": reason })),
            )
                .into_response()
        }
    }
}

/// 401 without a bearer token, 403 with a wrong one.
#[allow(clippy::result_large_err)]
fn authorize(token: &[u8], headers: &HeaderMap) -> Result<(), Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        None => Err((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({ "error": "needs Authorization: Bearer <admin token>" })),
        )
            .into_response()),
        Some(given) if bool::from(given.as_bytes().ct_eq(token)) => Ok(()),
        Some(_) => Err((
            StatusCode::FORBIDDEN,
            Json(json!({ "error": "wrong admin token" })),
        )
            .into_response()),
    }
}

#[allow(clippy::result_large_err)]
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("bad request body: {e}")))
}

fn bad_request(reason: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))).into_response()
}

fn name(field: &str, value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > MAX_NAME_BYTES {
        return Err(format!("`{field}` must be 1 to {MAX_NAME_BYTES} bytes"));
    }
    Ok(())
}

fn seconds(n: u64) -> Result<(), String> {
    if n == 0 || n > MAX_SECONDS {
        return Err(format!("`seconds` must be 1 to {MAX_SECONDS}"));
    }
    Ok(())
}

fn until(seconds: u64) -> ws_chat_protocol::Millis {
    now_millis().saturating_add(seconds.saturating_mul(1000))
}
