//! Fan-out between servers sharing one Redis: every stored message comes back to every server
//! (its own included) on one pub/sub channel per Redis database, and each server hands it to
//! its rooms through a [`FanOutReceiver`]. Signals that are never stored (who is typing) come
//! the same way on a channel of their own, and are lost with the subscription, which they may
//! be. Kicks and revocations come on a third channel; on every subscribe the kept ones are read again, so none published
//! while this server was not subscribed is missed.
//!
//! The append script publishes inside the same atomic step that assigns the seq, and one
//! subscription delivers in publish order, so each room's messages arrive here in seq order;
//! the rooms still check (see [`FanOutReceiver::message`]), since a gap would mean a lost
//! message.
//!
//! Pub/sub forgets what it could not deliver, so a lost subscription is the end of live
//! delivery: every connection is closed with 1013 (Try Again Later) and upgrades are refused
//! until the subscription is back. Clients come back with `hello {after}` and catch up from the
//! room's stream, which loses nothing.

use super::published::parse;
use super::signals::parse_signal;
use super::store::RedisStore;
use crate::clock::now_millis;
use crate::history::error::StoreError;
use crate::history::live::FanOutReceiver;
use crate::metrics;
use futures_util::StreamExt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the subscription and the command connection are pinged: Redis that stops
/// answering (a hung host, a network cut without a reset) is noticed within this plus
/// [`PING_TIMEOUT`].
const PING_INTERVAL: Duration = Duration::from_secs(1);
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// Wait between attempts to subscribe while Redis is away.
const RETRY: Duration = Duration::from_millis(250);
/// Longest time to connect, ping and subscribe.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Subscribes now, before the server listens, so a server whose Redis is up serves from its
/// first connection; returns the task that keeps the subscription up until `stop` and hands
/// what it hears to `to`.
pub async fn start_fan_out(
    store: RedisStore,
    to: Arc<dyn FanOutReceiver>,
    stop: CancellationToken,
) -> impl Future<Output = ()> + Send + 'static {
    let first = match subscribe(&store).await {
        Ok(subscription) => Some(subscription),
        Err(e) => {
            tracing::error!(
                "redis: not reachable at start ({e}); refusing connections until it is"
            );
            None
        }
    };
    run(store, to, stop, first)
}

/// Keeps the subscription up while the server runs; see the module docs.
/// `first`: a subscription made before the server started listening, used first.
async fn run(
    store: RedisStore,
    to: Arc<dyn FanOutReceiver>,
    stop: CancellationToken,
    mut first: Option<(redis::aio::PubSub, Vec<String>)>,
) {
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
            Ok((subscription, bans)) => {
                reported = false;
                for record in &bans {
                    to.ban(record);
                }
                to.subscribed();
                tracing::info!("redis: subscribed, serving");
                let why = relay(subscription, &store, &*to, &stop).await;
                to.unsubscribed();
                if stop.is_cancelled() {
                    return;
                }
                tracing::error!("redis: {why}; closing every connection until it is back");
                metrics::broker_error();
                let closed = to.disconnect_all();
                tracing::info!(closed, "redis: connections closed");
            }
            Err(e) if !reported => {
                metrics::broker_error();
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
/// Returns the subscription and the kicks and revocations kept when it began.
async fn subscribe(store: &RedisStore) -> Result<(redis::aio::PubSub, Vec<String>), StoreError> {
    let steps = async {
        store.ping().await?;
        let mut pubsub = store.client().get_async_pubsub().await?;
        pubsub.subscribe(store.channel()).await?;
        pubsub.subscribe(store.bans_channel()).await?;
        pubsub.subscribe(store.signals_channel()).await?;
        let bans = store.bans(now_millis()).await?;
        Ok((pubsub, bans))
    };
    tokio::time::timeout(SUBSCRIBE_TIMEOUT, steps)
        .await
        .map_err(|_| StoreError::new("no answer from redis"))?
}

/// Hands every published message to `to` until the subscription fails; returns why.
async fn relay(
    pubsub: redis::aio::PubSub,
    store: &RedisStore,
    to: &dyn FanOutReceiver,
    stop: &CancellationToken,
) -> String {
    let (mut sink, mut messages) = pubsub.split();
    let mut ping = tokio::time::interval(PING_INTERVAL);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    return "subscription lost".into();
                };
                let payload = String::from_utf8_lossy(message.get_payload_bytes());
                if message.get_channel_name() == store.bans_channel() {
                    metrics::heard(None);
                    to.ban(&payload);
                    continue;
                }
                if message.get_channel_name() == store.signals_channel() {
                    match parse_signal(&payload, store.server()) {
                        Some(signal) => {
                            metrics::heard(None);
                            to.signal(signal);
                        }
                        None => malformed("signal"),
                    }
                    continue;
                }
                match parse(&payload) {
                    Some((seq, published)) => {
                        let lag = now_millis().saturating_sub(published.ts);
                        metrics::heard(Some(Duration::from_millis(lag)));
                        to.message(published.into_live(seq, store.server()));
                    }
                    None => malformed("fan-out message"),
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

fn malformed(what: &str) {
    metrics::broker_error();
    tracing::warn!("redis: ignoring a malformed {what}");
}
