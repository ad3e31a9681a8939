//! `/_test/*`: endpoints that break connections on purpose, for reconnection tests.
//!
//! Only mounted with `--fault-injection`. Browser tests call them with `fetch` from a page
//! served on another loopback port, so CORS lets in the origins that may open `/ws`
//! (loopback on any port, the server's own, `--allowed-origin`). CORS alone would not be
//! enough: a `POST` without a body is a "simple" request that a browser sends from any page
//! and only hides the answer, so a request from any other origin is refused with 403 before
//! it does anything.

use super::origin::{host, refuse_foreign, OriginPolicy};
use crate::rooms::{Fault, Registry};
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The `/_test/*` routes, open to the origins `origins` allows.
pub fn router(registry: Arc<Registry>, origins: Arc<OriginPolicy>) -> Router {
    let cors_origins = origins.clone();
    let cors = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_origin(AllowOrigin::predicate(move |origin, parts| {
            origin
                .to_str()
                .is_ok_and(|origin| cors_origins.allows(origin, host(&parts.headers)))
        }));
    Router::new()
        .route("/_test/drop", post(drop_all))
        .route("/_test/refuse", post(refuse))
        .route("/_test/close", post(close_all))
        .route("/_test/connections", get(connections))
        .layer(cors)
        // Preflights included: every method of these paths.
        .layer(middleware::from_fn_with_state(origins, refuse_foreign))
        .with_state(registry)
}

/// Drops every connection without a close frame; answers how many.
async fn drop_all(State(registry): State<Arc<Registry>>) -> String {
    let n = registry.faults().inject(Fault::Drop);
    tracing::info!(
        connections = n,
        "fault injection: dropping every connection"
    );
    n.to_string()
}

#[derive(Deserialize)]
struct RefuseQuery {
    ms: u64,
}

/// Refuses upgrades with 503 for the next `ms` milliseconds, at most a day (see
/// `FaultInjection::refuse_for` in `crate::rooms`); answers with the time it will actually
/// refuse for.
async fn refuse(State(registry): State<Arc<Registry>>, Query(q): Query<RefuseQuery>) -> String {
    let ms = registry
        .faults()
        .refuse_for(Duration::from_millis(q.ms))
        .as_millis();
    tracing::info!(ms, "fault injection: refusing upgrades");
    format!("refusing upgrades for {ms} ms")
}

#[derive(Deserialize)]
struct CloseQuery {
    code: Option<u16>,
    reason: Option<String>,
}

/// Closes every connection with the given close code (default 1000) and reason.
async fn close_all(State(registry): State<Arc<Registry>>, Query(q): Query<CloseQuery>) -> Response {
    let code = q.code.unwrap_or(1000);
    let reason = q.reason.unwrap_or_default();
    if !sendable_close_code(code) {
        return (
            StatusCode::BAD_REQUEST,
            format!("close code {code} cannot be sent in a close frame\n"),
        )
            .into_response();
    }
    // A control frame holds 125 bytes: 2 for the code, the rest for the reason.
    if reason.len() > 123 {
        return (
            StatusCode::BAD_REQUEST,
            "close reason longer than 123 bytes\n",
        )
            .into_response();
    }
    let n = registry.faults().inject(Fault::Close { code, reason });
    tracing::info!(
        connections = n,
        code,
        "fault injection: closing every connection"
    );
    n.to_string().into_response()
}

#[derive(Deserialize)]
struct ConnectionsQuery {
    room: Option<String>,
}

/// Live WebSocket connections, all or in `?room=`.
async fn connections(
    State(registry): State<Arc<Registry>>,
    Query(q): Query<ConnectionsQuery>,
) -> String {
    registry.connections(q.room.as_deref()).to_string()
}

/// Codes RFC 6455 §7.4 allows on the wire (1004–1006 and 1015 are reserved, 1016–2999 unassigned).
fn sendable_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}
