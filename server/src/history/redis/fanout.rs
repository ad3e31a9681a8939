//! Fan-out between servers sharing one Redis: every stored message comes back to every server
//! holding its room (its own included) on the room's pub/sub channel, and each server hands it
//! to its rooms through a [`FanOutReceiver`]. A server subscribes to a room's channels while it
//! holds the room (`interest`), so it hears nothing of rooms it does not hold. Signals that are
//! never stored (who is typing) come the same way on the room's signals channel, and are lost
//! with the subscription, which they may be. Kicks and revocations come on one channel for
//! every server; on every subscribe the kept ones are read again, so none published while this
//! server was not subscribed is missed.
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

use super::interest::{Change, Interest, Listening};
use super::published::parse;
use super::signals::parse_signal;
use super::store::RedisStore;
use super::subscription::Subscription;
use crate::clock::now_millis;
use crate::history::error::StoreError;
use crate::history::live::FanOutReceiver;
use crate::metrics;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
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
    let interests = store.interests().take();
    let mut listening = Listening::default();
    let first = match subscribe(&store, &listening).await {
        Ok(subscription) => Some(subscription),
        Err(e) => {
            tracing::error!(
                "redis: not reachable at start ({e}); refusing connections until it is"
            );
            None
        }
    };
    let (_, never) = mpsc::unbounded_channel();
    let mut interests = interests.unwrap_or(never);
    async move {
        run(&store, to, &stop, first, &mut listening, &mut interests).await;
    }
}

/// Keeps the subscription up while the server runs; see the module docs.
/// `first`: a subscription made before the server started listening, used first.
async fn run(
    store: &RedisStore,
    to: Arc<dyn FanOutReceiver>,
    stop: &CancellationToken,
    mut first: Option<(Subscription, Vec<String>)>,
    listening: &mut Listening,
    interests: &mut mpsc::UnboundedReceiver<Interest>,
) {
    let mut reported = false;
    loop {
        let subscription = match first.take() {
            Some(ready) => Ok(ready),
            None => tokio::select! {
                () = stop.cancelled() => return,
                subscribed = subscribe(store, listening) => subscribed,
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
                let why = relay(subscription, store, &*to, stop, listening, interests).await;
                listening.lost();
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
        // Away: rooms still open and close, and nobody is told a room is ready.
        let retry = tokio::time::sleep(RETRY);
        tokio::pin!(retry);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = &mut retry => break,
                Some(interest) = interests.recv() => {
                    let change = listening.apply(interest, false, std::time::Instant::now());
                    if let Change::Answer(answer, outcome) = change {
                        let _ = answer.send(outcome);
                    }
                }
            }
        }
    }
}

/// Subscribes to the kicks' channel and every open room's channels on a connection of its
/// own, once the store's command connection answers too: a server is ready when it can both
/// store and hear. Bounded in time as a whole, since a Redis that accepts and then hangs would
/// otherwise hold it. Returns the subscription and the kicks and revocations kept when it
/// began.
async fn subscribe(
    store: &RedisStore,
    listening: &Listening,
) -> Result<(Subscription, Vec<String>), StoreError> {
    let steps = async {
        store.ping().await?;
        let mut subscription = Subscription::open(store.target()).await?;
        let mut groups = vec![vec![store.bans_channel().to_owned()]];
        groups.extend(groups_of(store, listening.rooms()));
        subscription.set_listening(&groups, true).await?;
        let bans = store.bans(now_millis()).await?;
        Ok((subscription, bans))
    };
    tokio::time::timeout(SUBSCRIBE_TIMEOUT, steps)
        .await
        .map_err(|_| StoreError::new("no answer from redis"))?
}

/// Hands every published message to `to`, and follows the rooms opening and closing here,
/// until the subscription fails; returns why.
async fn relay(
    mut subscription: Subscription,
    store: &RedisStore,
    to: &dyn FanOutReceiver,
    stop: &CancellationToken,
    listening: &mut Listening,
    interests: &mut mpsc::UnboundedReceiver<Interest>,
) -> String {
    let mut ping = tokio::time::interval(PING_INTERVAL);
    loop {
        let due = listening.poll_timeout();
        let grace_over = tokio::time::sleep_until(
            due.map_or_else(|| Instant::now() + PING_INTERVAL, Instant::from_std),
        );
        tokio::select! {
            message = subscription.next() => {
                let Some(message) = message else {
                    return "subscription lost".into();
                };
                hand_over(&message, store, to);
            }
            Some(interest) = interests.recv() => {
                let changed = match listening.apply(interest, true, std::time::Instant::now()) {
                    Change::Subscribe(room) => follow(&mut subscription, store, &[room], true).await,
                    Change::Answer(answer, outcome) => {
                        let _ = answer.send(outcome);
                        Ok(())
                    }
                    Change::Nothing => Ok(()),
                };
                if let Err(e) = changed {
                    return format!("cannot follow a room: {e}");
                }
            }
            () = grace_over, if due.is_some() => {
                let gone = listening.handle_timeout(std::time::Instant::now());
                if let Err(e) = follow(&mut subscription, store, &gone, false).await {
                    return format!("cannot stop following a room: {e}");
                }
            }
            _ = ping.tick() => {
                // Both connections: readiness means the server can hear and store.
                let both = async {
                    subscription.ping().await.map_err(StoreError::from)?;
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

/// The channels of each of `rooms`: its messages' and its signals', which share its hash tag.
fn groups_of<'r>(store: &RedisStore, rooms: impl Iterator<Item = &'r str>) -> Vec<Vec<String>> {
    rooms
        .map(|room| vec![store.room_channel(room), store.room_signals_channel(room)])
        .collect()
}

/// Subscribes to (`on`) or unsubscribes from the channels of `rooms`, answered within
/// [`PING_TIMEOUT`]: a Redis that stops answering must not hold the fan-out (and with it
/// every room's readiness) for longer than a ping.
async fn follow(
    subscription: &mut Subscription,
    store: &RedisStore,
    rooms: &[String],
    on: bool,
) -> Result<(), StoreError> {
    let groups = groups_of(store, rooms.iter().map(String::as_str));
    match tokio::time::timeout(PING_TIMEOUT, subscription.set_listening(&groups, on)).await {
        Ok(outcome) => Ok(outcome?),
        Err(_) => Err(StoreError::new("no answer to a subscription change")),
    }
}

/// One message heard on the subscription, to the rooms: a kick, a signal or a stored message.
fn hand_over(message: &redis::Msg, store: &RedisStore, to: &dyn FanOutReceiver) {
    let payload = String::from_utf8_lossy(message.get_payload_bytes());
    let channel = message.get_channel_name();
    if channel == store.bans_channel() {
        metrics::heard(None);
        to.ban(&payload);
    } else if store.is_signals_channel(channel) {
        match parse_signal(&payload, store.server()) {
            Some(signal) => {
                metrics::heard(None);
                to.signal(signal);
            }
            None => malformed("signal"),
        }
    } else {
        match parse(&payload) {
            Some((seq, published)) => {
                let lag = now_millis().saturating_sub(published.ts);
                metrics::heard(Some(Duration::from_millis(lag)));
                to.message(published.into_live(seq, store.server()));
            }
            None => malformed("fan-out message"),
        }
    }
}

fn malformed(what: &str) {
    metrics::broker_error();
    tracing::warn!("redis: ignoring a malformed {what}");
}
