//! Where each signed-in user stopped reading each room, shared by every server: one hash per
//! room, `wschat:{ROOM}:read`, user → seq, which a script only ever moves forward.

use super::store::RedisStore;
use crate::history::error::StoreError;
use redis::Script;
use std::sync::LazyLock;
use ws_chat_protocol::Seq;

/// KEYS: the room's hash. ARGV: user, seq. Keeps the higher of the two; returns it.
const MARK_READ_LUA: &str = r"
local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > held then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return ARGV[2]
end
return tostring(held)
";

static MARK_READ: LazyLock<Script> = LazyLock::new(|| Script::new(MARK_READ_LUA));

impl RedisStore {
    fn read_key(&self, room: &str) -> String {
        format!("{}:read", self.target().room_tag(room))
    }

    /// Moves `user`'s position in `room` to `seq` unless it is past it already; returns the
    /// position now.
    pub async fn mark_read(&self, room: &str, user: &str, seq: Seq) -> Result<Seq, StoreError> {
        let now: String = MARK_READ
            .key(self.read_key(room))
            .arg(user)
            .arg(seq)
            .invoke_async(&mut self.conn())
            .await?;
        now.parse()
            .map_err(|_| StoreError::new(format!("not a seq: {now:?}")))
    }

    /// `user`'s position in `room`, if it has one.
    pub async fn read_position(&self, room: &str, user: &str) -> Result<Option<Seq>, StoreError> {
        let held: Option<String> = redis::cmd("HGET")
            .arg(self.read_key(room))
            .arg(user)
            .query_async(&mut self.conn())
            .await?;
        Ok(held.and_then(|s| s.parse().ok()))
    }
}
