//! Who is in each room, across the servers sharing a Redis: one sorted set per room,
//! `wschat:{ROOM}:presence`, of the entries each server writes for the users it holds, scored
//! by the time each stops holding. Every server rewrites its entries on each sweep (a
//! heartbeat), so the entries of a server that died without a word run out by themselves
//! within [`PRESENCE_TTL_MS`]; what ran out is dropped by whoever sweeps next.

use super::store::RedisStore;
use crate::history::error::StoreError;
use redis::Script;
use std::sync::LazyLock;
use ws_chat_protocol::Millis;

/// How long a server's entry holds without being written again: well over the sweep's
/// interval, so a busy Redis or a slow sweep drops nobody; well under a minute, so the users of
/// a server that was SIGKILLed are gone within it.
pub const PRESENCE_TTL_MS: Millis = 15_000;

/// KEYS: the room's presence set. ARGV: now, until, the number of entries to keep, those
/// entries, then the entries to drop. Drops what ran out, keeps and drops, lets the key expire
/// with its entries, and returns every entry that holds.
const SHARE_PRESENCE_LUA: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local keep = tonumber(ARGV[3])
for i = 4, 3 + keep do
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
end
for i = 4 + keep, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return redis.call('ZRANGE', KEYS[1], 0, -1)
";

static SHARE_PRESENCE: LazyLock<Script> = LazyLock::new(|| Script::new(SHARE_PRESENCE_LUA));

impl RedisStore {
    /// Writes this server's entries for `room` (`keep`, until [`PRESENCE_TTL_MS`] from `now`),
    /// removes those it no longer holds (`drop`), and returns every server's entries.
    pub async fn share_presence(
        &self,
        room: &str,
        keep: &[String],
        drop: &[String],
        now: Millis,
    ) -> Result<Vec<String>, StoreError> {
        let mut call = SHARE_PRESENCE.key(format!("{}:presence", self.target().room_tag(room)));
        call.arg(now).arg(now + PRESENCE_TTL_MS).arg(keep.len());
        for entry in keep.iter().chain(drop) {
            call.arg(entry);
        }
        Ok(call.invoke_async::<Vec<String>>(&mut self.conn()).await?)
    }
}
