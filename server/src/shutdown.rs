//! Going away in order: the drain's steps after SIGTERM, on top of the state in `drain`.
//!
//! 1. The server stops looking ready (`/readyz` 503, upgrades refused) and keeps serving for
//!    `--drain-delay`, so a load balancer can notice.
//! 2. Its connections are closed with 1012 in batches, one every [`BATCH_INTERVAL`], spread
//!    over `--drain-window`; each connection finishes what it is doing first (an append in
//!    progress is stored and acked), then closes naming its delay to come back after.
//! 3. `lib.rs` then stops accepting, waits for the connections to end and the history to be
//!    written, all within `--drain-timeout` of the signal.

use crate::config::DrainFlags;
use crate::drain::Drain;
use std::time::Duration;

/// How often a batch of connections is closed during the window.
const BATCH_INTERVAL: Duration = Duration::from_millis(100);

/// Steps 1 and 2; returns once every connection has been told to go.
pub async fn drain_connections(drain: &Drain, flags: &DrainFlags) {
    drain.begin();
    tracing::info!(
        connections = drain.waiting(),
        delay = ?flags.drain_delay,
        window = ?flags.drain_window,
        "draining: not ready, new connections refused"
    );
    tokio::time::sleep(flags.drain_delay).await;
    let batches = usize::try_from(flags.drain_window.as_millis() / BATCH_INTERVAL.as_millis())
        .unwrap_or(usize::MAX)
        .max(1);
    let per_batch = drain.waiting().div_ceil(batches).max(1);
    let mut told = 0;
    loop {
        told += drain.close_batch(per_batch);
        if drain.waiting() == 0 {
            break;
        }
        tokio::time::sleep(BATCH_INTERVAL).await;
    }
    tracing::info!(told, "draining: every connection told to come back later");
}
