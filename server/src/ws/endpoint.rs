//! `GET /ws?room=NAME`: the checks in front of the upgrade, then the upgrade itself.
//!
//! Order: origin (403, checked in front of this route where the routes are put together; see
//! [`crate::http::origin`]), handshake (426/400, see [`crate::ws::handshake`]), room name
//! (400), fault-injected refusal (503), live delivery down (503), connection limits (503, see
//! [`crate::ws::limits`]), a plain client where every connection must sign in (401), the
//! room limit (503, see [`RoomsFull`]), then axum's upgrade (101)
//! with the sub-protocol chosen in the client's order of preference. Every 503 for a limit
//! carries `Retry-After`: it means busy, come back, and the client's backoff does the rest.
//!
//! What the connection speaks is settled here, by the handshake: `wschat.v1` when that
//! sub-protocol was selected; also `wschat.v1` when none was selected but the URL carries
//! [`IN_BAND_QUERY`] (a ws-chat client behind a proxy that strips `Sec-WebSocket-Protocol`),
//! and then the server speaks first with `welcome`; plain text otherwise, at once. A plain
//! client such as the seed page never adds the parameter, so it never sees an envelope.
//!
//! `welcome` echoes the URL's [`IN_BAND_NONCE`] parameter as `nonce`: a member of a plain
//! room can send the text of a `welcome` to everyone, but not with another client's nonce,
//! so it cannot talk that client into speaking wschat.v1 to a plain server.
//!
//! The one exception to the handshake's word: an in-band connection whose client opens with
//! plain text rather than an envelope (it heard no `welcome` in time and took the server for
//! a plain one) becomes a plain member; see [`crate::ws::connection`].

use super::connection::{self, Timing};
use super::handshake;
use super::limits::{ConnectionLimits, Refused};
use super::rate_limits::{ConnectionRates, RateLimits};
use crate::auth::{Session, SessionRules};
use crate::clock::now_millis;
use crate::history::Author;
use crate::log_safe::Escaped;
use crate::metrics;
use crate::rooms::{Dialect, Membership, Registry, RoomsFull};
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use ws_chat_protocol::{ServerFrame, IN_BAND_NONCE, IN_BAND_QUERY};

/// The room of a `/ws` request without `?room=`.
pub const DEFAULT_ROOM: &str = "lobby";

/// Longest room name accepted, in bytes.
const MAX_ROOM_BYTES: usize = 128;

/// The `Retry-After` of a 503, in seconds: a hint; clients back off with jitter anyway.
const RETRY_AFTER_SECS: &str = "5";

/// The read buffer each connection allocates up front. tungstenite's default, 128 KiB, made
/// 1,000 idle connections cost about 147 MB; chat frames are small, and a larger one grows
/// the buffer for as long as it takes to read it.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The rules every `/ws` connection is held to, from the flags.
pub struct ConnectionRules {
    /// Largest frame and message read, in bytes.
    pub max_message_bytes: usize,
    pub timing: Timing,
    pub limits: Arc<ConnectionLimits>,
    /// How connections sign in, and what they may do without a token.
    pub sign_in: Arc<SessionRules>,
    /// Messages and hellos per second, per sender.
    pub rates: Arc<RateLimits>,
}

/// What the `/ws` route holds.
#[derive(Clone)]
struct Endpoint {
    registry: Arc<Registry>,
    rules: Arc<ConnectionRules>,
    /// Cancelled when the server shuts down: connections then close (see
    /// [`crate::drain::Leave`]).
    shutdown: CancellationToken,
    /// Where each connection's task is tracked, so shutdown can wait for them.
    tasks: TaskTracker,
}

/// The query of `/ws`, as name/value pairs: `room` and the in-band marker.
type WsQuery = Vec<(String, String)>;

/// The `/ws` route. Its connections run on `tasks` and end when `shutdown` is cancelled.
pub fn router(
    registry: Arc<Registry>,
    rules: ConnectionRules,
    shutdown: CancellationToken,
    tasks: TaskTracker,
) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .with_state(Endpoint {
            registry,
            rules: Arc::new(rules),
            shutdown,
            tasks,
        })
}

async fn upgrade(
    State(endpoint): State<Endpoint>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Err(e) = handshake::check(&headers) {
        metrics::refused("handshake");
        return e.into_response();
    }
    let Ok(Query(query)) = query.map_err(|e| tracing::debug!("bad query: {e}")) else {
        metrics::refused("query");
        return (StatusCode::BAD_REQUEST, "bad query string\n").into_response();
    };
    let room = match room_name(&query) {
        Ok(room) => room,
        Err(reason) => {
            metrics::refused("room_name");
            return (StatusCode::BAD_REQUEST, reason).into_response();
        }
    };
    if endpoint.registry.faults().refusing() {
        metrics::refused("fault_injection");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "refusing WebSocket upgrades for now (fault injection)\n",
        )
            .into_response();
    }
    if !endpoint.registry.accepting() {
        metrics::refused("not_ready");
        return store_unavailable();
    }
    let slot = match endpoint.rules.limits.admit(peer.ip()) {
        Ok(slot) => slot,
        Err(refused) => {
            tracing::warn!(%peer, ?refused, "WebSocket refused: too many connections");
            metrics::refused(match refused {
                Refused::Total => "connections",
                Refused::PerAddress => "connections_per_address",
            });
            return busy(match refused {
                Refused::Total => "too many connections to this server; try again later\n",
                Refused::PerAddress => "too many connections from your address; try again later\n",
            });
        }
    };
    let ws = match upgrade {
        Ok(ws) => ws,
        Err(rejection) => {
            metrics::refused("handshake");
            return rejection.into_response();
        }
    };
    let subprotocol = handshake::select_subprotocol(&headers);
    let (dialect, welcome) = dialect(subprotocol, &query);
    if dialect == Dialect::Plain && !endpoint.rules.sign_in.admits_plain_peers() {
        metrics::refused("needs_token");
        return (
            StatusCode::UNAUTHORIZED,
            "this server needs a token, which a plain WebSocket client cannot send: \
             connect with the wschat.v1 sub-protocol\n",
        )
            .into_response();
    }
    // Joined before the 101, so a full server says so in the answer. If the upgrade then
    // fails, the closure below is dropped and with it the membership and the slot.
    let mut member = match Membership::join(&endpoint.registry, &room, dialect) {
        Ok(member) => member,
        Err(RoomsFull) => {
            tracing::warn!(room = %Escaped(&room), "WebSocket refused: too many rooms open");
            metrics::refused("rooms");
            return busy("too many rooms open on this server; try again later\n");
        }
    };
    // Checked again now that the member can hear a fault: had Redis gone between the first
    // check and the join, the close sent to every connection would have missed this one.
    if !endpoint.registry.accepting() {
        metrics::refused("not_ready");
        return store_unavailable();
    }
    metrics::opened();
    let ws = ws
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_frame_size(endpoint.rules.max_message_bytes)
        .max_message_size(endpoint.rules.max_message_bytes)
        .protocols(subprotocol)
        .on_failed_upgrade(|e| tracing::debug!("upgrade failed: {e}"));
    let Endpoint {
        registry,
        rules,
        shutdown,
        tasks,
    } = endpoint;
    let timing = rules.timing;
    let rates = ConnectionRates::new(rules.rates.clone(), peer.ip());
    let session = Session::new(rules.sign_in.clone(), &room, now_millis());
    // A guest, where tokens are checked, until it signs in (a plain peer never does).
    member.set_author(Author {
        guest: session.checks_tokens(),
        ..Author::default()
    });
    let leave = registry.drain().enlist(member.id(), &shutdown);
    // Every line the connection's task logs carries its number.
    let span = tracing::info_span!("connection", conn = member.id());
    ws.on_upgrade(move |socket| {
        tasks.track_future(
            async move {
                connection::run(socket, member, session, rates, welcome, timing, leave).await;
                drop(slot);
            }
            .instrument(span),
        )
    })
}

/// 503 with `Retry-After`: a limit was reached; the client is welcome again later.
fn busy(reason: &'static str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
        reason,
    )
        .into_response()
}

/// What the connection speaks, and, in band, the `welcome` the server says first (with the
/// client's nonce echoed, so no one else's `welcome` text can pass for it).
fn dialect(subprotocol: Option<&str>, query: &WsQuery) -> (Dialect, Option<ServerFrame>) {
    let in_band = || {
        query
            .iter()
            .any(|(k, v)| (k.as_str(), v.as_str()) == IN_BAND_QUERY)
    };
    match subprotocol {
        Some(_) => (Dialect::WsChat, None),
        None if in_band() => {
            let nonce = query
                .iter()
                .find(|(k, _)| k == IN_BAND_NONCE)
                .map(|(_, v)| v.clone());
            (Dialect::WsChat, Some(ServerFrame::Welcome { nonce }))
        }
        None => (Dialect::Plain, None),
    }
}

fn room_name(query: &WsQuery) -> Result<String, String> {
    let mut rooms = query.iter().filter(|(k, _)| k == "room").map(|(_, v)| v);
    let room = rooms.next().filter(|r| !r.is_empty());
    if rooms.next().is_some() {
        return Err("more than one room= in the query\n".into());
    }
    match room {
        None => Ok(DEFAULT_ROOM.to_owned()),
        Some(room) if room.len() > MAX_ROOM_BYTES => Err(format!(
            "room name too long: {} bytes, limit {MAX_ROOM_BYTES}\n",
            room.len()
        )),
        Some(room) => Ok(room.clone()),
    }
}

/// 503 while live delivery is down (a shared store's fan-out lost its subscription), so the
/// history cannot take messages that members would hear. No `Retry-After`: the client's own
/// backoff, or its next server, is the right wait.
fn store_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the history store is unavailable; try again later\n",
    )
        .into_response()
}

#[cfg(test)]
#[path = "endpoint_tests.rs"]
mod tests;
