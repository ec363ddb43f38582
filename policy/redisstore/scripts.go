package redisstore

import "github.com/redis/go-redis/v9"

// The scripts make each store operation one atomic round trip. Every
// threshold is computed in Go and passed as a decimal string, because Lua
// 5.1 prints large numbers in exponent notation. Absent values come back as
// -1 (times) or an empty tier name; times are Unix milliseconds.
//
// Keys, all of one phone number in one cluster slot by their {hash tag}:
//
//	KEYS[1]  <prefix>{<phone>}:w:<customer>  last inbound message (string, TTL)
//	KEYS[2]  <prefix>{<phone>}:c             conversations (zset customer -> start)
//	KEYS[3]  <prefix>{<phone>}:t             tier (hash name, limit)

// recordInbound keeps the latest inbound time. ARGV: at, ttl.
var recordInbound = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if (not v) or tonumber(v) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
`)

// startConversation mirrors policy.MemoryStore.StartConversation.
// ARGV: customer, at, at-day (trim cut), enforce, ignoreWindow,
// default limit, day, ttl.
// Returns {kind, tier name, tier known, tier limit, last, start, used, oldest}.
var startConversation = redis.NewScript(`
local at = tonumber(ARGV[2])
local day = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local t = redis.call('HMGET', KEYS[3], 'name', 'limit')
local known, limit = 0, tonumber(ARGV[6])
if t[2] then known, limit = 1, tonumber(t[2]) end
local last = redis.call('GET', KEYS[1])
if last then last = tonumber(last) end
local start = redis.call('ZSCORE', KEYS[2], ARGV[1])
if start then start = tonumber(start) end
local used = redis.call('ZCARD', KEYS[2])
local kind
if ARGV[5] == '0' and last and at < last + day then
  kind = 'service_window'
elseif start and start <= at then
  kind = 'open_conversation'
elseif (not start) and ARGV[4] == '1' and limit >= 0 and used >= limit then
  kind = 'limit_reached'
else
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[8])
  if not start then used = used + 1 end
  start = at
  kind = 'new_conversation'
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return {kind, t[1] or '', known, limit, last or -1, start or -1, used, tonumber(oldest[2] or -1)}
`)

// snapshot reads without writing. ARGV: customer (empty for none), now-day
// (exclusive lower bound of the rolling window).
// Returns {tier name, tier known, tier limit, last, start, used, oldest}.
var snapshot = redis.NewScript(`
local cut = tonumber(ARGV[2])
local t = redis.call('HMGET', KEYS[3], 'name', 'limit')
local known, limit = 0, 0
if t[2] then known, limit = 1, tonumber(t[2]) end
local last, start = -1, -1
if ARGV[1] ~= '' then
  local v = redis.call('GET', KEYS[1])
  if v then last = tonumber(v) end
  v = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if v and tonumber(v) > cut then start = tonumber(v) end
end
local lo = '(' .. ARGV[2]
local used = redis.call('ZCOUNT', KEYS[2], lo, '+inf')
local oldest = redis.call('ZRANGEBYSCORE', KEYS[2], lo, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {t[1] or '', known, limit, last, start, used, tonumber(oldest[2] or -1)}
`)

// Webhook deduplication keys, one string per event:
//
//	<prefix>dedup:<key>  "done" (TTL: the dedup TTL) or "lease:<owner>" (TTL: the lease)
//
// Stores written before leases existed hold "1" for a key seen once; it
// reads as done, so an upgrade skips nothing and processes nothing twice
// that it would not have before.

// claim answers 3 (done), 2 (in progress) or 1 (claimed, after recording
// the lease). ARGV: owner, lease in milliseconds.
var claim = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' or v == '1' then return 3 end
if v then return 2 end
redis.call('SET', KEYS[1], 'lease:' .. ARGV[1], 'PX', ARGV[2])
return 1
`)

// release deletes the key only while it is the owner's lease. ARGV: owner.
var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'lease:' .. ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1
`)
