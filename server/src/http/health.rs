//! `GET /healthz`: what the server holds in memory, as JSON, for monitoring and for tests that
//! check a client closed its sockets.
//!
//! Only counts, nothing about who is connected, so any page may read it
//! (`Access-Control-Allow-Origin: *`): an embedding page on another origin can check that a
//! removed chat let go of its connection.
//!
//! With `--redis` it also answers 503 while Redis is unreachable (`"ready": false`), so a load
//! balancer sends new clients to a server that can take their messages.

use crate::history::store::Store;
use crate::rooms::registry::Hub;
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
    /// Whether the store takes messages now (see [`Hub::store_ready`]).
    ready: bool,
}

pub fn router(hub: Arc<Hub>) -> Router {
    Router::new().route("/healthz", get(health)).with_state(hub)
}

async fn health(State(hub): State<Arc<Hub>>) -> impl IntoResponse {
    let health = Health {
        connections: hub.connections(None),
        rooms: hub.rooms(),
        store: match hub.store() {
            Store::Sqlite(_) => "sqlite",
            Store::Redis(_) => "redis",
        },
        ready: hub.store_ready(),
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
