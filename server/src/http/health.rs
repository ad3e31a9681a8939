//! `GET /readyz` (and its older name `/healthz`): whether the server takes connections, and
//! what it holds in memory, as JSON, for load balancers, monitoring and tests that check a
//! client closed its sockets. `GET /livez`: whether the process answers at all, for a
//! supervisor deciding whether to restart it (a draining server is live but not ready).
//!
//! Only counts, nothing about who is connected, so any page may read it
//! (`Access-Control-Allow-Origin: *`): an embedding page on another origin can check that a
//! removed chat let go of its connection.
//!
//! `/readyz` answers 503 (`"ready": false`) while the server drains for a restart, and with
//! `--redis` while Redis is unreachable, so a load balancer sends new clients to a server that
//! can take their messages.

use crate::rooms::Registry;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct Health {
    /// Live WebSocket connections (members of a room).
    connections: usize,
    /// Rooms in memory: those with at least one member.
    rooms: usize,
    /// `sqlite` or `redis`.
    store: &'static str,
    /// Whether the server takes connections and their messages now (see
    /// [`Registry::accepting`]).
    ready: bool,
    /// Whether it is going away (SIGTERM): not ready, closing its connections.
    draining: bool,
}

pub fn router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/readyz", get(health))
        .route("/healthz", get(health))
        .route("/livez", get(live))
        .with_state(registry)
}

async fn health(State(registry): State<Arc<Registry>>) -> impl IntoResponse {
    let health = Health {
        connections: registry.connections(None),
        rooms: registry.rooms(),
        store: registry.store().name(),
        ready: registry.accepting(),
        draining: registry.drain().draining(),
    };
    let status = if health.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(health),
    )
}

/// 200 while the process serves requests, draining or not.
async fn live() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(serde_json::json!({ "live": true })),
    )
}
