//! The Lua scripts of the Redis store. Redis runs each one atomically: that is what makes a
//! seq unique across servers and a page one snapshot of its room.

use redis::Script;
use std::sync::LazyLock;

/// KEYS: seq, log, ids, deleted (the seqs of deleted messages). ARGV: id ('' for none),
/// text, from ('' for none), ts, history, channel, the published message without its seq, the
/// id's key in the ids hash (the id scoped to its sender, see `id_key`), user ('' for none),
/// guest ('1' or ''), deletes ('' for a message; for a tombstone, the seq it deletes), and
/// the publishing command (`PUBLISH`, or `SPUBLISH` on a cluster).
/// Returns `{'new', seq}`, `{'dup', seq, ts}`, `{'taken'}`, or for a tombstone `{'missing'}`
/// (no such message: never, pruned, or a tombstone) or `{'already'}` (deleted before), all
/// strings. A stream entry cannot be changed, so a deleted message stays in the log and its
/// seq goes into `deleted`, which the page script reads.
pub const APPEND_LUA: &str = r"
local id = ARGV[1]
local key = ARGV[8]
local deletes = ARGV[11]
if deletes ~= '' then
  local target = redis.call('XRANGE', KEYS[2], deletes .. '-0', deletes .. '-0')[1]
  if not target then return {'missing'} end
  local f = target[2]
  for i = 1, #f, 2 do
    if f[i] == 'deletes' then return {'missing'} end
  end
  if redis.call('HEXISTS', KEYS[4], deletes) == 1 then return {'already'} end
end
if id ~= '' then
  local prev = redis.call('HGET', KEYS[3], key)
  if prev then
    local entry = redis.call('XRANGE', KEYS[2], prev, prev)
    if entry[1] then
      local f = entry[1][2]
      local text, ts = nil, ''
      for i = 1, #f, 2 do
        if f[i] == 'text' then text = f[i + 1] elseif f[i] == 'ts' then ts = f[i + 1] end
      end
      if text == ARGV[2] then
        -- A write all the same: on a cluster the `WAIT` after this script then covers the
        -- first append too, which may not have reached a replica yet.
        redis.call('HSET', KEYS[3], key, prev)
        return {'dup', prev, ts}
      end
      return {'taken'}
    end
  end
end
-- The next seq is one past both the counter and the newest entry, and nothing is written
-- before XADD, the one step that can fail: a failed append leaves no trace and no hole.
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if top[1] then
  local newest = tonumber(string.match(top[1][1], '^(%d+)'))
  if newest > seq then seq = newest end
end
seq = string.format('%d', seq + 1)
local fields = {'text', ARGV[2], 'ts', ARGV[4]}
if id ~= '' then
  fields[#fields + 1] = 'id'
  fields[#fields + 1] = id
end
if ARGV[3] ~= '' then
  fields[#fields + 1] = 'from'
  fields[#fields + 1] = ARGV[3]
end
if ARGV[9] ~= '' then
  fields[#fields + 1] = 'user'
  fields[#fields + 1] = ARGV[9]
end
if ARGV[10] ~= '' then
  fields[#fields + 1] = 'guest'
  fields[#fields + 1] = ARGV[10]
end
if key ~= id then
  fields[#fields + 1] = 'key'
  fields[#fields + 1] = key
end
if deletes ~= '' then
  fields[#fields + 1] = 'deletes'
  fields[#fields + 1] = deletes
end
redis.call('XADD', KEYS[2], seq .. '-0', unpack(fields))
if deletes ~= '' then redis.call('HSET', KEYS[4], deletes, '1') end
redis.call('SET', KEYS[1], seq)
if id ~= '' then redis.call('HSET', KEYS[3], key, seq) end
local excess = redis.call('XLEN', KEYS[2]) - tonumber(ARGV[5])
if excess > 0 then
  for _, old in ipairs(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', excess)) do
    local m = {}
    local f = old[2]
    for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
    if m.id then redis.call('HDEL', KEYS[3], m.key or m.id) end
    redis.call('HDEL', KEYS[4], string.match(old[1], '^(%d+)'))
    redis.call('XDEL', KEYS[2], old[1])
  end
end
redis.call(ARGV[12], ARGV[6], seq .. ' ' .. ARGV[7])
return {'new', seq}
";

/// KEYS: seq, log, deleted. ARGV: the first entry id to read ('' for none), count. Returns,
/// as strings: head, the oldest entry id ('' if none), then seq, id, text, from, ts, user,
/// guest, deletes for each message ('' for a missing field; the text of a deleted message is
/// ''). One script, so head and messages are one snapshot.
pub const PAGE_LUA: &str = r"
local out = {redis.call('GET', KEYS[1]) or '0'}
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
out[2] = first[1] and first[1][1] or ''
if ARGV[1] ~= '' then
  for _, e in ipairs(redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])) do
    local m = {id = '', text = '', from = '', ts = '', user = '', guest = '', deletes = ''}
    local f = e[2]
    for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
    if redis.call('HEXISTS', KEYS[3], string.match(e[1], '^(%d+)')) == 1 then m.text = '' end
    out[#out + 1] = e[1]
    out[#out + 1] = m.id
    out[#out + 1] = m.text
    out[#out + 1] = m.from
    out[#out + 1] = m.ts
    out[#out + 1] = m.user
    out[#out + 1] = m.guest
    out[#out + 1] = m.deletes
  end
end
return out
";

pub static APPEND: LazyLock<Script> = LazyLock::new(|| Script::new(APPEND_LUA));
pub static PAGE: LazyLock<Script> = LazyLock::new(|| Script::new(PAGE_LUA));

/// KEYS: the bans sorted set (records scored by the ms they hold until). ARGV: record, until,
/// now, channel, publishing command. Drops what ran out, keeps the record (a later `until` wins), lets the whole
/// key expire with its last record, and publishes the record to every server.
pub const KEEP_BAN_LUA: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not held or tonumber(held) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call(ARGV[5], ARGV[4], ARGV[1])
return 1
";

pub static KEEP_BAN: LazyLock<Script> = LazyLock::new(|| Script::new(KEEP_BAN_LUA));
