//! `GET /healthz`: what the server holds in memory, as JSON, for monitoring and for tests that
//! check a client closed its sockets.
//!
//! Only counts, nothing about who is connected, so any page may read it
//! (`Access-Control-Allow-Origin: *`): an embedding page on another origin can check that a
//! removed chat let go of its connection.
//!
//! With `--redis` it also answers 503 while Redis is unreachable (`"ready": false`), so a load
//! balancer sends new clients to a server that can take their messages.

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
}

pub fn router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .with_state(registry)
}

async fn health(State(registry): State<Arc<Registry>>) -> impl IntoResponse {
    let health = Health {
        connections: registry.connections(None),
        rooms: registry.rooms(),
        store: registry.store().name(),
        ready: registry.accepting(),
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
