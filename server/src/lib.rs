//! The ws-chat companion server: WebSocket chat rooms at `/ws`, the built app at `/`,
//! readiness at `/readyz` (and `/healthz`), liveness at `/livez`, Prometheus metrics on a
//! listener of their own.
//!
//! A connection that selects the `wschat.v1` sub-protocol, or that selects none but asks for
//! it in band (`?wschat=v1`), speaks the JSON envelopes of [`ws_chat_protocol`] (durable
//! history, acks, catch-up); any other connection is a plain text peer, and so is an in-band
//! one whose client opens with plain text. Both kinds share the rooms and the history.
//!
//! The binary is a thin wrapper around [`Server`], so tests run the very same server in
//! process on a port of their own.
//!
//! # Layout
//!
//! Each layer imports only the layers below it; no two files import each other.
//!
//! - `lib.rs`: [`Server`], which puts the layers together, owns shutdown (a cancellation
//!   token) and the tasks it waits for (every connection and the fan-out), and serves.
//!   Beside it: `config` (the flags), `signals`, and `shutdown` (the drain's steps).
//! - `http/`: the accept loop, the `Host` and `Origin` policies, the built app, `/healthz`,
//!   the admin API (`/admin/*`) and the `/_test/*` endpoints.
//! - `ws/`: `/ws`: the checks before the upgrade, connection limits, one connection's task,
//!   its socket with send deadlines, keepalive, and the plain and wschat.v1 handlers.
//!   `http/` and `ws/` are side by side: neither imports the other.
//! - `auth/`: signing in: tokens checked, rights per room, each connection's sign-in state
//!   and deadlines, the kicks and revocations. It knows nothing of rooms, history or
//!   sockets; `ws` asks it, and `rooms` holds its kicks and revocations for the fan-out.
//! - `rooms/`: the registry of rooms, a room and its delivery in seq order, one connection's
//!   membership, the send queue a room delivers into, fault injection.
//! - `history/`: the store (SQLite in `sqlite/`, Redis and its fan-out in `redis/`), the
//!   types and rules both share, and how a store orders live delivery. It knows nothing of
//!   rooms: a shared store's fan-out hands its messages to a receiver the rooms implement.
//! - At the bottom, imported by any layer: `sync` (locking a mutex), `clock` (the wall
//!   clock), `log_safe` (client text in logs), `drain` (which connections have been told to
//!   go, and with what) and `metrics` (every metric's name, and the call that records it).

mod auth;
mod clock;
mod config;
mod drain;
mod history;
mod http;
mod log_safe;
mod metrics;
mod rooms;
mod shutdown;
mod signals;
mod sync;
mod ws;

pub use config::{Config, LogFormat, IN_MEMORY_DB};
pub use signals::shutdown_signal;
pub use ws::DEFAULT_ROOM;

/// The arguments of a durable `redis-server` on loopback, for the tests and benchmarks that
/// start one.
#[doc(hidden)]
pub use history::local_redis_server_args;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::{middleware, Router};
use config::DrainFlags;
use drain::Drain;
use history::{GroupCommit, Store, StoreError};
use http::host::{self, HostPolicy};
use http::origin::{self, OriginPolicy};
use http::test_tokens::{self, TestMint};
use http::{accept, admin, health, metrics_route, static_files, test_endpoints};
use rooms::Registry;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use ws::{ConnectionLimits, ConnectionRules, Timing};

/// A server whose history is open, ready to serve on a listener.
pub struct Server {
    app: Router,
    header_read_timeout: Duration,
    hosts: Arc<HostPolicy>,
    /// Cancelled when the drain is over: the accept loop stops, connections still open close
    /// (with 1012 if they were not told yet), the fan-out lets go of Redis.
    shutdown: CancellationToken,
    /// Every connection's task and the fan-out, so shutdown can wait for them to end.
    tasks: TaskTracker,
    /// Which connections have been told to go; see [`shutdown`].
    drain: Arc<Drain>,
    drain_flags: DrainFlags,
    /// Written to the end before the server returns.
    store: Store,
    /// `--metrics-listen`'s listener and its route, when it has one of its own.
    metrics: Option<(TcpListener, Router)>,
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
        config.drain.check().map_err(io::Error::other)?;
        let shutdown = CancellationToken::new();
        let tasks = TaskTracker::new();
        let drain = Drain::new(config.drain.drain_spread);
        let sign_in = config.auth.session_rules().map_err(io::Error::other)?;
        let admin_token = config.auth.admin_token().map_err(io::Error::other)?;
        let registry = Registry::new(
            store.clone(),
            max_queue_bytes,
            to_usize(config.max_rooms),
            sign_in.bans.clone(),
            to_usize(config.presence_list_max),
            drain.clone(),
        );
        // Kicks and revocations from before a restart hold again from the first connection.
        // A shared store reads them again whenever its fan-out subscribes.
        let bans = registry.load_bans().await.map_err(io::Error::other)?;
        if bans > 0 {
            tracing::info!(bans, "kicks and revocations read back");
        }
        if let Some(fan_out) = store.fan_out(registry.clone(), shutdown.clone()).await {
            tasks.spawn(fan_out);
        }
        tasks.spawn(rooms::run_sweeps(registry.clone(), shutdown.clone()));
        let dist: Arc<PathBuf> = Arc::new(config.dist);
        let rules = ConnectionRules {
            max_message_bytes,
            timing: Timing {
                send_timeout: config.send_timeout,
                ping_interval: config.ping_interval,
                pong_timeout: config.pong_timeout,
            },
            limits: ConnectionLimits::new(
                to_usize(config.max_connections),
                to_usize(config.max_connections_per_ip),
            ),
            sign_in: Arc::new(sign_in),
            rates: config.rates.limits(),
        };
        let origins = Arc::new(OriginPolicy::new(&config.allowed_origins));
        // The origin is the first check of an upgrade: before the handshake's, so a page that
        // may not open `/ws` learns nothing more about it.
        let mut app =
            ws::router(registry.clone(), rules, shutdown.clone(), tasks.clone()).route_layer(
                middleware::from_fn_with_state(origins.clone(), origin::refuse_foreign),
            );
        app = app.merge(health::router(registry.clone()));
        let mut metrics = None;
        if let Some(addr) = &config.metrics_listen {
            let route = metrics_route::start(registry.clone(), &tasks, &shutdown)?;
            if *addr == config.listen {
                app = app.merge(route);
            } else {
                let listener = TcpListener::bind(addr).await.map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot listen on {addr} for metrics: {e}"),
                    )
                })?;
                metrics = Some((listener, route));
            }
        }
        if let Some(token) = admin_token {
            app = app.merge(admin::router(token, registry.clone()));
        }
        if config.fault_injection {
            if let Some(path) = &config.auth.jwt_secret_file {
                let secret = std::fs::read(path)?;
                let mint =
                    TestMint::new(&secret, &config.auth.jwt_audience).map_err(io::Error::other)?;
                app = app.merge(test_tokens::router(Arc::new(mint), origins.clone()));
            }
            app = app.merge(test_endpoints::router(registry, origins));
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
            app,
            header_read_timeout: config.header_read_timeout,
            hosts,
            shutdown,
            tasks,
            drain,
            drain_flags: config.drain,
            store,
            metrics,
        })
    }

    /// Where `/metrics` is served on a listener of its own (`--metrics-listen`), if it is.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then drains (see [`shutdown`]): not ready at once,
    /// every WebSocket closed with 1012 in batches, the history written, all within
    /// `--drain-timeout`.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        self.hosts.bind(listener.local_addr()?);
        let stop = self.shutdown;
        if let Some((listener, route)) = self.metrics {
            // Through the drain, so a scrape sees it; it stops with the accept loop.
            let served =
                axum::serve(listener, route).with_graceful_shutdown(stop.clone().cancelled_owned());
            self.tasks.spawn(async move {
                if let Err(e) = served.await {
                    tracing::error!("metrics listener: {e}");
                }
            });
        }
        let server = accept::serve(listener, self.app, stop.clone(), self.header_read_timeout);
        let mut server = std::pin::pin!(server);
        let mut deadline = Instant::now() + self.drain_flags.drain_timeout;
        tokio::select! {
            () = &mut server => {}
            () = shutdown => {
                deadline = Instant::now() + self.drain_flags.drain_timeout;
                // The server keeps answering (`/readyz` says 503) while its connections go.
                let drain = shutdown::drain_connections(&self.drain, &self.drain_flags);
                tokio::select! {
                    () = &mut server => {}
                    _ = tokio::time::timeout_at(deadline, drain) => {}
                }
                stop.cancel();
                if tokio::time::timeout_at(deadline, &mut server).await.is_err() {
                    tracing::warn!("HTTP requests still open after shutdown; leaving them");
                }
            }
        }
        let tasks = self.tasks;
        tasks.close();
        if tokio::time::timeout_at(deadline, tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                connections = tasks.len(),
                "WebSocket connections still open after shutdown; leaving them"
            );
        }
        match tokio::time::timeout_at(deadline, self.store.flush()).await {
            Ok(Ok(())) => tracing::info!("history written; exiting"),
            Ok(Err(e)) => tracing::warn!("history store at exit: {e}"),
            Err(_) => tracing::warn!("history store still writing at the drain timeout"),
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
async fn open_store(config: &Config) -> Result<Store, StoreError> {
    if let Some(url) = &config.redis {
        return Store::redis(url, config.history);
    }
    let db = (!config.db_in_memory()).then_some(config.db.as_path());
    let batches = GroupCommit {
        rows: to_usize(config.db_batch_rows),
        wait: Duration::from_millis(u64::from(config.db_batch_wait_ms)),
    };
    Store::sqlite(db, config.history, config.db_busy_timeout, batches).await
}

/// A count from a flag; a u32 always fits where this server runs (and saturates elsewhere).
fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
