//! The presence sweep: every second, each room's users on this server are shared through the
//! store (with Redis, that also brings every server's users; with SQLite, this server's are
//! everyone) and the room's live members are told what changed.
//!
//! It is the heartbeat too: with Redis, a server's entries hold only for a while unless
//! written again, so the users of a server that died go with them.

use super::presence::SharedEntry;
use super::registry::Registry;
use crate::clock::now_millis;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use ws_chat_protocol::Millis;

/// How often presence is shared and told: a join shows within about this.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Shares and tells every room's presence once, at `now`.
pub async fn sweep(registry: &Registry, now: Millis) {
    let book = registry.presence();
    let node = registry.store().node();
    for name in book.rooms() {
        let Some(share) = book.to_share(&name, node, now) else {
            continue;
        };
        let shared = registry
            .store()
            .share_presence(&name, &share.keep, &share.drop, now)
            .await;
        let roster = match shared {
            Ok(None) => share.people,
            Ok(Some(entries)) => entries
                .iter()
                .filter_map(|e| SharedEntry::decode(e))
                .map(|e| e.person)
                .collect(),
            // Nothing told: what was written last still holds for a while, and the next sweep
            // tries again.
            Err(e) => {
                tracing::warn!("presence not shared: {e}");
                continue;
            }
        };
        let frames = book.shared(&name, share.keep, roster);
        if let Some(room) = registry.held(&name) {
            for frame in frames {
                room.deliver_signal(None, frame.encode(), None);
            }
        }
    }
}

/// Sweeps every [`SWEEP_EVERY`] until `stop`.
pub async fn run_sweeps(registry: Arc<Registry>, stop: CancellationToken) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every.tick() => sweep(&registry, now_millis()).await,
        }
    }
}
