//! Fan-out between servers sharing one Redis: every stored message comes back to every server
//! (its own included) on one pub/sub channel per Redis database, and each server hands it to the members of the
//! room it holds.
//!
//! The append script publishes inside the same atomic step that assigns the seq, and one
//! subscription delivers in publish order, so each room's messages arrive here in seq order;
//! [`crate::rooms::room::Room::offer`] still checks, since a gap would mean a lost message.
//!
//! Pub/sub forgets what it could not deliver, so a lost subscription is the end of live
//! delivery: every connection is closed with 1013 (Try Again Later) and upgrades are refused
//! until the subscription is back. Clients come back with `hello {after}` and catch up from the
//! room's stream, which loses nothing.

use crate::history::redis::RedisStore;
use crate::history::store::StoreError;
use crate::rooms::registry::{Fault, Hub};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use ws_chat_protocol::{Millis, Seq};

/// How often the subscription and the command connection are pinged: Redis that stops
/// answering (a hung host, a network cut without a reset) is noticed within this plus
/// [`PING_TIMEOUT`].
const PING_INTERVAL: Duration = Duration::from_secs(1);
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// Wait between attempts to subscribe while Redis is away.
const RETRY: Duration = Duration::from_millis(250);
/// Longest time to connect, ping and subscribe.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A stored message as published: everything a member needs, and who sent it, so the sender's
/// own connection (which gets an ack instead) is skipped. The seq goes in front, outside the
/// JSON, because the script assigns it after the JSON was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub room: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub ts: Millis,
    /// The sending server's number ([`RedisStore::server`]).
    pub server: u64,
    /// The sending connection's number on that server.
    pub conn: u64,
}

/// Reads a channel message: `"<seq> <json>"`.
pub fn parse(payload: &str) -> Option<(Seq, Published)> {
    let (seq, json) = payload.split_once(' ')?;
    Some((seq.parse().ok()?, serde_json::from_str(json).ok()?))
}

/// Keeps the subscription up while the server runs; see the module docs.
/// `first`: a subscription made before the server started listening, used first.
pub async fn run(store: RedisStore, hub: Arc<Hub>, mut first: Option<redis::aio::PubSub>) {
    let stop = hub.shutdown_token().clone();
    let mut reported = false;
    loop {
        let subscription = match first.take() {
            Some(ready) => Ok(ready),
            None => tokio::select! {
                () = stop.cancelled() => return,
                subscribed = subscribe(&store) => subscribed,
            },
        };
        match subscription {
            Ok(subscription) => {
                reported = false;
                hub.set_store_ready(true);
                tracing::info!("redis: subscribed, serving");
                let why = relay(subscription, &store, &hub).await;
                hub.set_store_ready(false);
                if stop.is_cancelled() {
                    return;
                }
                tracing::error!("redis: {why}; closing every connection until it is back");
                let closed = hub.inject(Fault::Close {
                    code: 1013,
                    reason: "history store unavailable".into(),
                });
                tracing::info!(closed, "redis: connections closed");
            }
            Err(e) if !reported => {
                reported = true;
                tracing::error!("redis: cannot subscribe ({e}); refusing connections, retrying");
            }
            Err(_) => {}
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(RETRY) => {}
        }
    }
}

/// Subscribes to the store's channel on a connection of its own, once the store's command
/// connection answers too: a server is ready when it can both store and hear. Bounded in
/// time as a whole, since a Redis that accepts and then hangs would otherwise hold it.
pub async fn subscribe(store: &RedisStore) -> Result<redis::aio::PubSub, StoreError> {
    let steps = async {
        store.ping().await?;
        let mut pubsub = store.client().get_async_pubsub().await?;
        pubsub.subscribe(store.channel()).await?;
        Ok(pubsub)
    };
    tokio::time::timeout(SUBSCRIBE_TIMEOUT, steps)
        .await
        .map_err(|_| StoreError::new("no answer from redis"))?
}

/// Hands every published message to its room until the subscription fails; returns why.
async fn relay(pubsub: redis::aio::PubSub, store: &RedisStore, hub: &Hub) -> String {
    let (mut sink, mut messages) = pubsub.split();
    let mut ping = tokio::time::interval(PING_INTERVAL);
    let stop = hub.shutdown_token().clone();
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    return "subscription lost".into();
                };
                let payload = String::from_utf8_lossy(message.get_payload_bytes());
                match parse(&payload) {
                    Some((seq, published)) => hub.offer(seq, &published, store.server()),
                    None => tracing::warn!("redis: ignoring a malformed fan-out message"),
                }
            }
            _ = ping.tick() => {
                // Both connections: readiness means the server can hear and store.
                let both = async {
                    sink.ping::<redis::Value>().await.map_err(StoreError::from)?;
                    store.ping().await
                };
                match tokio::time::timeout(PING_TIMEOUT, both).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return format!("ping failed: {e}"),
                    Err(_) => return "no answer to a ping".into(),
                }
            }
            () = stop.cancelled() => return "shutting down".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_messages_round_trip_and_junk_is_refused() {
        let p = Published {
            room: "lobby room".into(),
            id: Some("a1".into()),
            text: "hi there {\"x\"}".into(),
            from: None,
            ts: 1_795_000_000_000,
            server: u64::MAX,
            conn: 7,
        };
        let payload = format!("42 {}", serde_json::to_string(&p).expect("json"));
        assert_eq!(parse(&payload), Some((42, p)));
        for junk in ["", "42", "x {}", "42 {", "42 {\"room\":1}", "-1 {}"] {
            assert_eq!(parse(junk), None, "{junk}");
        }
    }
}
