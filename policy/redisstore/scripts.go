package redisstore

import "github.com/redis/go-redis/v9"

// The scripts make each store operation one atomic round trip. Every
// threshold is computed in Go and passed as a decimal string, because Lua
// 5.1 prints large numbers in exponent notation. Absent values come back as
// -1 (times) or an empty tier name; times are Unix milliseconds.
//
// Keys, all of one phone number in one cluster slot by their {hash tag}:
//
//	KEYS[1]  <prefix>{<phone>}:w:<customer>  v0.1 window (string, TTL): read, never written
//	KEYS[2]  <prefix>{<phone>}:c             conversations (zset customer -> start)
//	KEYS[3]  <prefix>{<phone>}:t             tier (hash name, limit)
//	KEYS[4]  <prefix>{<phone>}:win           windows (zset customer -> last inbound)
//	KEYS[5]  <prefix>{<phone>}:id            links (hash id -> id it names now)
//
// A customer is named by a phone number or a BSUID; every script first
// follows the links (at most 8) to the id the state is kept under. Windows
// live in one sorted set rather than a key per customer so that the
// resolved id needs no key the script was not given. v0.1 kept a window in
// a string key per customer: it is still read, for the id a caller passes,
// until it expires a day later, so an upgrade loses no open window.

// resolveLua follows the links of KEYS[5] from an id; lastInbound reads a
// window as the decimal string Redis keeps, newer of KEYS[4] and KEYS[1].
const resolveLua = `
local function resolve(id)
  for _ = 1, 8 do
    local nxt = redis.call('HGET', KEYS[5], id)
    if not nxt then return id end
    id = nxt
  end
  return id
end
local function lastInbound(id)
  local v = redis.call('ZSCORE', KEYS[4], id)
  local old = redis.call('GET', KEYS[1])
  if old and ((not v) or tonumber(old) > tonumber(v)) then v = old end
  return v
end
`

// recordInbound keeps the latest inbound time. ARGV: customer, at, ttl,
// at-ttl (windows last written before it are dropped).
var recordInbound = redis.NewScript(resolveLua + `
local c = resolve(ARGV[1])
local v = redis.call('ZSCORE', KEYS[4], c)
if (not v) or tonumber(v) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[4], ARGV[2], c)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[3])
return 1
`)

// linkCustomer mirrors policy.MemoryStore.LinkCustomer. ARGV: from, to,
// ttl. KEYS[1] is the v0.1 window of from, merged too.
var linkCustomer = redis.NewScript(resolveLua + `
local to, from = resolve(ARGV[2]), resolve(ARGV[1])
if from == to then return 0 end
redis.call('HSET', KEYS[5], ARGV[1], to, from, to)
local wf = lastInbound(from)
if wf then
  local wt = redis.call('ZSCORE', KEYS[4], to)
  if (not wt) or tonumber(wt) < tonumber(wf) then
    redis.call('ZADD', KEYS[4], wf, to)
    redis.call('PEXPIRE', KEYS[4], ARGV[3])
  end
  redis.call('ZREM', KEYS[4], from)
end
local cf = redis.call('ZSCORE', KEYS[2], from)
if cf then
  local ct = redis.call('ZSCORE', KEYS[2], to)
  if (not ct) or tonumber(cf) < tonumber(ct) then redis.call('ZADD', KEYS[2], cf, to) end
  redis.call('ZREM', KEYS[2], from)
end
return 1
`)

// startConversation mirrors policy.MemoryStore.StartConversation.
// ARGV: customer, at, at-day (trim cut), enforce, ignoreWindow,
// default limit, day, ttl.
// Returns {kind, tier name, tier known, tier limit, last, start, used, oldest}.
var startConversation = redis.NewScript(resolveLua + `
local at = tonumber(ARGV[2])
local day = tonumber(ARGV[7])
local c = resolve(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local t = redis.call('HMGET', KEYS[3], 'name', 'limit')
local known, limit = 0, tonumber(ARGV[6])
if t[2] then known, limit = 1, tonumber(t[2]) end
local last = lastInbound(c)
if last then last = tonumber(last) end
local start = redis.call('ZSCORE', KEYS[2], c)
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
  redis.call('ZADD', KEYS[2], ARGV[2], c)
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
var snapshot = redis.NewScript(resolveLua + `
local cut = tonumber(ARGV[2])
local t = redis.call('HMGET', KEYS[3], 'name', 'limit')
local known, limit = 0, 0
if t[2] then known, limit = 1, tonumber(t[2]) end
local last, start = -1, -1
if ARGV[1] ~= '' then
  local c = resolve(ARGV[1])
  last = tonumber(lastInbound(c) or -1)
  local v = redis.call('ZSCORE', KEYS[2], c)
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
