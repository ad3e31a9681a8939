//! `GET /metrics`: the counters of [`crate::metrics`] as Prometheus text, on the address of
//! `--metrics-listen` (its own listener, so it is never public by accident).
//!
//! The gauges that describe the present (connections, rooms, store up, draining) are read from
//! the registry as the scrape comes in, so they can never drift from the truth.

use crate::metrics;
use crate::rooms::Registry;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    registry: Arc<Registry>,
}

/// Installs the recorder (once per process), keeps it tidy on `tasks` until `stop`, and
/// returns the `/metrics` route.
pub fn start(
    registry: Arc<Registry>,
    tasks: &TaskTracker,
    stop: &CancellationToken,
) -> io::Result<Router> {
    let handle = metrics::install().map_err(io::Error::other)?;
    tasks.spawn(upkeep(handle.clone(), stop.clone()));
    Ok(Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { handle, registry }))
}

/// Keeps the recorder's histograms from growing while nobody scrapes.
async fn upkeep(handle: PrometheusHandle, stop: CancellationToken) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every.tick() => handle.run_upkeep(),
        }
    }
}

async fn scrape(State(scrape): State<Scrape>) -> impl IntoResponse {
    let registry = &scrape.registry;
    metrics::gauges(
        registry.connections(None),
        registry.rooms(),
        registry.store_up(),
        registry.drain().draining(),
    );
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        scrape.handle.render(),
    )
}
