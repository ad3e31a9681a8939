//! The ws-chat companion server: WebSocket chat rooms at `/ws`, the built app at `/`, counts
//! at `/healthz`.
//!
//! A connection that selects the `wschat.v1` sub-protocol, or that selects none but asks for
//! it in band (`?wschat=v1`), speaks the JSON envelopes of [`ws_chat_protocol`] (durable
//! history, acks, catch-up); any other connection is a plain text peer, and so is an in-band
//! one whose client opens with plain text. Both kinds share the rooms and the history.
//!
//! The binary is a thin wrapper around [`Server`], so tests run the very same server in
//! process on a port of their own.

mod clock;
mod config;
mod history;
mod http;
mod log_safe;
mod rooms;
mod signals;
mod sync;
mod ws;

pub use config::{Config, IN_MEMORY_DB};
pub use signals::shutdown_signal;
pub use ws::endpoint::DEFAULT_ROOM;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::{middleware, Router};
use history::redis::fanout;
use history::redis::RedisStore;
use history::sqlite::SqliteStore;
use history::store::{self, Store};
use http::host::{self, HostPolicy};
use http::origin::OriginPolicy;
use http::{accept, health, static_files, test_endpoints};
use rooms::registry::Hub;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use ws::connection::Timing;
use ws::endpoint as ws_endpoint;
use ws::limits::ConnectionLimits;

/// How long shutdown waits for HTTP requests in flight.
const HTTP_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// How long shutdown waits for WebSocket connections to finish their closing handshake.
const WS_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A server whose history is open, ready to serve on a listener.
pub struct Server {
    hub: Arc<Hub>,
    app: Router,
    header_read_timeout: Duration,
    hosts: Arc<HostPolicy>,
}

impl Server {
    /// Opens the history (`--db`) and builds the routes. Fails if the database cannot be
    /// opened, before anything listens.
    pub async fn open(config: Config) -> io::Result<Server> {
        let store = open_store(&config).await.map_err(io::Error::other)?;
        let max_message_bytes = to_usize(config.max_message_bytes);
        let max_queue_bytes = to_usize(config.max_queue_bytes);
        if max_queue_bytes < max_message_bytes {
            return Err(io::Error::other(
                "--max-queue-bytes must be at least --max-message-bytes: a queue must hold one message",
            ));
        }
        let hub = Hub::new(store.clone(), max_queue_bytes, to_usize(config.max_rooms));
        if let Store::Redis(redis) = store {
            start_fanout(redis, &hub).await;
        }
        let dist: Arc<PathBuf> = Arc::new(config.dist);
        let timing = Timing {
            send_timeout: config.send_timeout,
            ping_interval: config.ping_interval,
            pong_timeout: config.pong_timeout,
        };
        let origins = OriginPolicy::new(&config.allowed_origins);
        let mut app = ws_endpoint::router(
            hub.clone(),
            ws_endpoint::Settings {
                origins: origins.clone(),
                max_message_bytes,
                timing,
                limits: ConnectionLimits::new(
                    to_usize(config.max_connections),
                    to_usize(config.max_connections_per_ip),
                ),
            },
        );
        app = app.merge(health::router(hub.clone()));
        if config.fault_injection {
            app = app.merge(test_endpoints::router(hub.clone(), origins));
        }
        let hosts = Arc::new(HostPolicy::new(&config.host_names));
        let app = app
            .fallback(move |req: Request| async move { static_files::serve(&dist, req).await })
            .layer(middleware::from_fn_with_state(hosts.clone(), host::check))
            // Every body is what its Content-Type says: no sniffing a 404's text into a script.
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(TraceLayer::new_for_http());
        Ok(Server {
            hub,
            app,
            header_read_timeout: config.header_read_timeout,
            hosts,
        })
    }

    /// Serves until `shutdown` completes, then closes every WebSocket with 1001 (Going Away)
    /// and waits (a few seconds at most) for the connections to end.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        self.hosts.bind(listener.local_addr()?);
        let stop = self.hub.shutdown_token().clone();
        let server = accept::serve(listener, self.app, stop.clone(), self.header_read_timeout);
        let mut server = std::pin::pin!(server);
        tokio::select! {
            () = &mut server => {}
            () = shutdown => {
                tracing::info!("shutting down");
                stop.cancel();
                if tokio::time::timeout(HTTP_DRAIN_TIMEOUT, &mut server).await.is_err() {
                    tracing::warn!("HTTP requests still open after shutdown; leaving them");
                }
            }
        }
        let tasks = self.hub.tasks();
        tasks.close();
        if tokio::time::timeout(WS_DRAIN_TIMEOUT, tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                connections = tasks.len(),
                "WebSocket connections still open after shutdown; leaving them"
            );
        }
        Ok(())
    }
}

/// Opens a server with `config` and serves on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    Server::open(config).await?.serve(listener, shutdown).await
}

/// The history `config` asks for: Redis with `--redis`, else SQLite at `--db`.
async fn open_store(config: &Config) -> Result<Store, store::StoreError> {
    if let Some(url) = &config.redis {
        return RedisStore::open(url, config.history, server_number()).map(Store::Redis);
    }
    let db = (!config.db_in_memory()).then_some(config.db.as_path());
    SqliteStore::open(db, config.history, config.db_busy_timeout)
        .await
        .map(Store::Sqlite)
}

/// Subscribes to the fan-out before the server listens, so a server whose Redis is up serves
/// from its first connection, then keeps the subscription up in the background.
async fn start_fanout(redis: RedisStore, hub: &Arc<Hub>) {
    let first = match fanout::subscribe(&redis).await {
        Ok(subscription) => Some(subscription),
        Err(e) => {
            tracing::error!(
                "redis: not reachable at start ({e}); refusing connections until it is"
            );
            None
        }
    };
    hub.tasks().spawn(fanout::run(redis, hub.clone(), first));
}

/// This server's number among those sharing a Redis: unique enough from the clock and the
/// process id, hashed with the standard library's random keys.
fn server_number() -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    std::process::id().hash(&mut hasher);
    std::time::SystemTime::now().hash(&mut hasher);
    hasher.finish()
}

/// A count from a flag; a u32 always fits where this server runs (and saturates elsewhere).
fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
