//! `GET /ws?room=NAME`: the checks in front of the upgrade, then the upgrade itself.
//!
//! Order: origin (403), handshake (426/400, see [`crate::handshake`]), room name (400),
//! fault-injected refusal (503), then axum's upgrade (101) with the sub-protocol chosen in
//! the client's order of preference.

use crate::connection;
use crate::handshake;
use crate::hub::{Hub, Mode};
use crate::origin::OriginPolicy;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;

/// The room of a `/ws` request without `?room=`.
pub const DEFAULT_ROOM: &str = "lobby";

/// Longest room name accepted, in bytes.
const MAX_ROOM_BYTES: usize = 128;

#[derive(Clone)]
struct WsState {
    hub: Arc<Hub>,
    origins: Arc<OriginPolicy>,
    max_message_bytes: usize,
}

#[derive(Deserialize)]
struct RoomQuery {
    room: Option<String>,
}

/// The `/ws` route.
pub fn router(hub: Arc<Hub>, origins: OriginPolicy, max_message_bytes: usize) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .with_state(WsState {
            hub,
            origins: Arc::new(origins),
            max_message_bytes,
        })
}

async fn upgrade(
    State(state): State<WsState>,
    headers: HeaderMap,
    query: Result<Query<RoomQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let allowed = origin
            .to_str()
            .is_ok_and(|origin| state.origins.allows(origin, host));
        if !allowed {
            tracing::info!(?origin, "WebSocket refused: origin not allowed");
            return (
                StatusCode::FORBIDDEN,
                "origin not allowed; start the server with --allowed-origin to allow it\n",
            )
                .into_response();
        }
    }
    if let Err(e) = handshake::check(&headers) {
        return e.into_response();
    }
    let room = match room_name(query) {
        Ok(room) => room,
        Err(reason) => return (StatusCode::BAD_REQUEST, reason).into_response(),
    };
    if state.hub.refusing() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "refusing WebSocket upgrades for now (fault injection)\n",
        )
            .into_response();
    }
    let ws = match upgrade {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let subprotocol = handshake::select_subprotocol(&headers);
    let mode = match subprotocol {
        Some(_) => Mode::WsChat,
        None if !headers.contains_key(header::SEC_WEBSOCKET_PROTOCOL) => Mode::Undecided,
        None => Mode::Plain,
    };
    let ws = ws
        .max_frame_size(state.max_message_bytes)
        .max_message_size(state.max_message_bytes)
        .protocols(subprotocol)
        .on_failed_upgrade(|e| tracing::debug!("upgrade failed: {e}"));
    let hub = state.hub;
    ws.on_upgrade(move |socket| {
        let tasks = hub.tasks().clone();
        tasks.track_future(connection::run(socket, hub, room, mode))
    })
}

fn room_name(query: Result<Query<RoomQuery>, QueryRejection>) -> Result<String, String> {
    let Query(query) = query.map_err(|e| format!("bad query: {e}\n"))?;
    match query.room.filter(|r| !r.is_empty()) {
        None => Ok(DEFAULT_ROOM.to_owned()),
        Some(room) if room.len() > MAX_ROOM_BYTES => Err(format!(
            "room name too long: {} bytes, limit {MAX_ROOM_BYTES}\n",
            room.len()
        )),
        Some(room) => Ok(room),
    }
}
