//! Kicks and revocations in Redis: one sorted set of records scored by the time each stops
//! holding, expiring as a whole with its last record, and each new record published to every
//! server (the fan-out subscribes to [`RedisStore::bans_channel`] and reads the set again
//! whenever it subscribes, so a server that was away misses none).

use super::connection::RedisTarget;
use super::scripts::KEEP_BAN;
use super::store::RedisStore;
use crate::history::error::StoreError;
use ws_chat_protocol::Millis;

/// The sorted set, one per database like every key.
const BANS_KEY: &str = "wschat:bans";

/// The channel kicks and revocations are published on, database `db`'s. On a cluster a
/// script may publish only on a channel of its key's slot, so there the channel carries the
/// key's name as its hash tag.
pub fn bans_channel(target: &RedisTarget, db: i64) -> String {
    match target {
        RedisTarget::Single(_) => format!("{BANS_KEY}:{db}"),
        RedisTarget::Cluster(_) => format!("{{{BANS_KEY}}}:{db}"),
    }
}

impl RedisStore {
    /// Keeps `record` until `until`, drops those that ran out by `now`, and publishes it.
    pub async fn keep_ban(
        &self,
        record: &str,
        until: Millis,
        now: Millis,
    ) -> Result<(), StoreError> {
        KEEP_BAN
            .key(BANS_KEY)
            .arg(record)
            .arg(until)
            .arg(now)
            .arg(self.bans_channel())
            .arg(self.publish_command())
            .invoke_async::<i64>(&mut self.conn())
            .await?;
        Ok(())
    }

    /// The records that still hold at `now`.
    pub async fn bans(&self, now: Millis) -> Result<Vec<String>, StoreError> {
        let records = redis::cmd("ZRANGE")
            .arg(BANS_KEY)
            .arg(format!("({now}"))
            .arg("+inf")
            .arg("BYSCORE")
            .query_async::<Vec<String>>(&mut self.conn())
            .await?;
        Ok(records)
    }
}
