//! `/_test/*`: endpoints that break connections on purpose, for reconnection tests.
//!
//! Only mounted with `--fault-injection`. CORS is wide open because browser tests call them
//! with `fetch` from a page served on another port.

use crate::hub::{Fault, Hub};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::CorsLayer;

/// The `/_test/*` routes.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/_test/drop", post(drop_all))
        .route("/_test/refuse", post(refuse))
        .route("/_test/close", post(close_all))
        .route("/_test/connections", get(connections))
        .layer(CorsLayer::permissive())
        .with_state(hub)
}

/// Drops every connection without a close frame; answers how many.
async fn drop_all(State(hub): State<Arc<Hub>>) -> String {
    let n = hub.inject(Fault::Drop);
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

/// Refuses upgrades with 503 for the next `ms` milliseconds.
async fn refuse(State(hub): State<Arc<Hub>>, Query(q): Query<RefuseQuery>) -> String {
    hub.refuse_for(Duration::from_millis(q.ms));
    tracing::info!(ms = q.ms, "fault injection: refusing upgrades");
    format!("refusing upgrades for {} ms", q.ms)
}

#[derive(Deserialize)]
struct CloseQuery {
    code: Option<u16>,
    reason: Option<String>,
}

/// Closes every connection with the given close code (default 1000) and reason.
async fn close_all(State(hub): State<Arc<Hub>>, Query(q): Query<CloseQuery>) -> Response {
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
    let n = hub.inject(Fault::Close { code, reason });
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
async fn connections(State(hub): State<Arc<Hub>>, Query(q): Query<ConnectionsQuery>) -> String {
    hub.connections(q.room.as_deref()).to_string()
}

/// Codes RFC 6455 §7.4 allows on the wire (1004–1006 and 1015 are reserved, 1016–2999 unassigned).
fn sendable_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}
