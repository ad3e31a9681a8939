//! The fan-out's own connection to Redis, the one that listens. On one server it is a pub/sub
//! connection. On a cluster it is a RESP3 cluster connection whose sharded subscriptions
//! (`SSUBSCRIBE`) go to the shard of each channel, with what they bring arriving as pushes.
//!
//! Either way a lost node connection is the end of the subscription: pub/sub forgets what it
//! could not deliver, so the fan-out starts over (see `fanout`) rather than let the client
//! library quietly subscribe again after a gap. So is a channel Redis unsubscribes by itself
//! (its slot moved to another master: a reshard, a manual failover), which the client library
//! would not follow.

use super::connection::{ping_every_master, RedisTarget, CONNECT_TIMEOUT};
use crate::history::error::StoreError;
use futures_util::{stream, StreamExt, TryStreamExt};
use redis::aio::{PubSubSink, PubSubStream};
use redis::cluster_async::ClusterConnection;
use redis::{Msg, ProtocolVersion, PushInfo, PushKind, RedisResult, Value};
use std::collections::{HashMap, HashSet};
use tokio::sync::mpsc;

/// Channels named in one SUBSCRIBE or UNSUBSCRIBE on one server: a server holding thousands
/// of rooms subscribes again after a lost connection in a few commands, not one round trip a
/// room.
const CHANNELS_PER_COMMAND: usize = 1000;
/// Sharded subscriptions in flight at once on a cluster, where one command names the channels
/// of one room (one slot).
const ROOMS_IN_FLIGHT: usize = 64;

/// A connection that listens; see the module docs.
pub enum Subscription {
    Single {
        sink: PubSubSink,
        messages: PubSubStream,
    },
    Cluster {
        conn: ClusterConnection,
        pushes: mpsc::UnboundedReceiver<PushInfo>,
        /// The channels subscribed to, as far as this side asked: an unsubscribe push for one
        /// of them came from Redis.
        wanted: HashSet<Vec<u8>>,
        /// Unsubscribe confirmations still to come for channels this side left, which may
        /// arrive after it has joined the channel again.
        leaving: HashMap<Vec<u8>, usize>,
    },
}

impl Subscription {
    /// Connects; subscribed to nothing yet.
    pub async fn open(target: &RedisTarget) -> Result<Subscription, StoreError> {
        match target {
            RedisTarget::Single(client) => {
                let (sink, messages) = client.get_async_pubsub().await?.split();
                Ok(Subscription::Single { sink, messages })
            }
            RedisTarget::Cluster(seeds) => {
                let (tx, pushes) = mpsc::unbounded_channel();
                let client = seeds
                    .builder()
                    .use_protocol(ProtocolVersion::RESP3)
                    .connection_timeout(CONNECT_TIMEOUT)
                    .push_sender(tx)
                    .build()?;
                let conn = client.get_async_connection().await?;
                Ok(Subscription::Cluster {
                    conn,
                    pushes,
                    wanted: HashSet::new(),
                    leaving: HashMap::new(),
                })
            }
        }
    }

    /// Subscribes to (`on`) or unsubscribes from `groups` of channels, each group the
    /// channels of one slot (of one room).
    pub async fn set_listening(&mut self, groups: &[Vec<String>], on: bool) -> RedisResult<()> {
        match self {
            Subscription::Single { sink, .. } => {
                let channels: Vec<&String> = groups.iter().flatten().collect();
                for some in channels.chunks(CHANNELS_PER_COMMAND) {
                    if on {
                        sink.subscribe(some).await?;
                    } else {
                        sink.unsubscribe(some).await?;
                    }
                }
                Ok(())
            }
            Subscription::Cluster {
                conn,
                wanted,
                leaving,
                ..
            } => {
                // Before the command: its own unsubscribe pushes are then known as such.
                for channel in groups.iter().flatten() {
                    let channel = channel.as_bytes().to_vec();
                    if on {
                        wanted.insert(channel);
                    } else {
                        wanted.remove(&channel);
                        *leaving.entry(channel).or_default() += 1;
                    }
                }
                stream::iter(groups.iter().map(Ok))
                    .try_for_each_concurrent(ROOMS_IN_FLIGHT, |group| {
                        let mut conn = conn.clone();
                        async move {
                            if on {
                                conn.ssubscribe(group).await
                            } else {
                                conn.sunsubscribe(group).await
                            }
                        }
                    })
                    .await
            }
        }
    }

    /// The next message published on a channel subscribed to; `None` once the subscription
    /// is lost. Cancel-safe.
    pub async fn next(&mut self) -> Option<Msg> {
        match self {
            Subscription::Single { messages, .. } => messages.next().await,
            Subscription::Cluster {
                pushes,
                wanted,
                leaving,
                ..
            } => loop {
                let push = pushes.recv().await?;
                match push.kind {
                    PushKind::Disconnection => return None,
                    PushKind::SMessage => {
                        if let Some(message) = Msg::from_push_info(push) {
                            return Some(message);
                        }
                    }
                    PushKind::SUnsubscribe => {
                        let channel = match push.data.first() {
                            Some(Value::BulkString(name)) => name.as_slice(),
                            _ => &[],
                        };
                        if let Some(left) = leaving.get_mut(channel) {
                            *left -= 1;
                            if *left == 0 {
                                leaving.remove(channel);
                            }
                        } else if wanted.contains(channel) {
                            tracing::warn!("redis: a channel's slot moved to another master");
                            return None;
                        }
                    }
                    // Confirmations.
                    _ => {}
                }
            },
        }
    }

    /// Whether Redis still answers on this connection (on a cluster, every master).
    pub async fn ping(&mut self) -> RedisResult<()> {
        match self {
            Subscription::Single { sink, .. } => sink.ping::<redis::Value>().await.map(drop),
            Subscription::Cluster { conn, .. } => ping_every_master(conn).await,
        }
    }
}
