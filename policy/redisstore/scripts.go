package redisstore

import "github.com/redis/go-redis/v9"

// The scripts make each store operation one atomic round trip. Every
// threshold is computed in Go and passed as a decimal string, because Lua
// 5.1 prints large numbers in exponent notation. Absent values come back as
// -1 (times) or an empty tier name; times are Unix milliseconds.
//
// Keys, all of one business portfolio in one cluster slot by their {hash
// tag}: <group> is the portfolio id, or a phone number's own id while its
// portfolio is unknown (the Store finds it under <prefix>pf:<id>).
//
//	KEYS[1]  <prefix>{<group>}:w:<customer>   v0.1 window (string, TTL): read, never written
//	KEYS[2]  <prefix>{<group>}:c              counted customers (zset customer -> latest counted send)
//	KEYS[3]  <prefix>{<group>}:t              tier (hash name, limit)
//	KEYS[4]  <prefix>{<group>}:win:<phone>    the phone number's windows (zset customer -> last inbound)
//	KEYS[5]  <prefix>{<group>}:id             links (hash id -> id it names now)
//
// v0.1 kept one phone number's state under {<phone>}: its :c (conversation
// starts) and :t keys are read as they are by a number whose portfolio is
// unknown, and moved into the portfolio's keys by SetPortfolio; its
// per-customer window keys are read, for the id a caller passes, until they
// expire a day later. So an upgrade loses no count and no open window.
//
// A customer is named by a phone number or a BSUID; every script first
// follows the links (at most 8) to the id the state is kept under.

// resolveLua follows the links of KEYS[5] from an id; lastInbound reads a
// window as the decimal string Redis keeps: the newest of the resolved id's
// and the given id's in KEYS[4] and the v0.1 key KEYS[1].
const resolveLua = `
local function resolve(id)
  for _ = 1, 8 do
    local nxt = redis.call('HGET', KEYS[5], id)
    if not nxt then return id end
    id = nxt
  end
  return id
end
local function newer(a, b)
  if a and ((not b) or tonumber(a) > tonumber(b)) then return a end
  return b
end
local function lastInbound(id, given)
  local v = redis.call('ZSCORE', KEYS[4], id)
  if given ~= id then v = newer(redis.call('ZSCORE', KEYS[4], given), v) end
  return newer(redis.call('GET', KEYS[1]), v)
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
local wf = lastInbound(from, ARGV[1])
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
  if (not ct) or tonumber(cf) > tonumber(ct) then redis.call('ZADD', KEYS[2], cf, to) end
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
local last = lastInbound(c, ARGV[1])
if last then last = tonumber(last) end
local start = redis.call('ZSCORE', KEYS[2], c)
if start then start = tonumber(start) end
local used = redis.call('ZCARD', KEYS[2])
local kind
if ARGV[5] == '0' and last and at < last + day then
  kind = 'service_window'
elseif start then
  if start < at then
    redis.call('ZADD', KEYS[2], ARGV[2], c)
    redis.call('PEXPIRE', KEYS[2], ARGV[8])
    start = at
  end
  kind = 'open_conversation'
elseif ARGV[4] == '1' and limit >= 0 and used >= limit then
  kind = 'limit_reached'
else
  redis.call('ZADD', KEYS[2], ARGV[2], c)
  redis.call('PEXPIRE', KEYS[2], ARGV[8])
  used = used + 1
  start = at
  kind = 'new_conversation'
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return {kind, t[1] or '', known, limit, last or -1, start or -1, used, tonumber(oldest[2] or -1)}
`)

// snapshot reads without writing. ARGV: customer (empty for none), now-day
// (exclusive lower bound of the moving day).
// Returns {tier name, tier known, tier limit, last, start, used, oldest}.
var snapshot = redis.NewScript(resolveLua + `
local cut = tonumber(ARGV[2])
local t = redis.call('HMGET', KEYS[3], 'name', 'limit')
local known, limit = 0, 0
if t[2] then known, limit = 1, tonumber(t[2]) end
local last, start = -1, -1
if ARGV[1] ~= '' then
  local c = resolve(ARGV[1])
  last = tonumber(lastInbound(c, ARGV[1]) or -1)
  local v = redis.call('ZSCORE', KEYS[2], c)
  if v and tonumber(v) > cut then start = tonumber(v) end
end
local lo = '(' .. ARGV[2]
local used = redis.call('ZCOUNT', KEYS[2], lo, '+inf')
local oldest = redis.call('ZRANGEBYSCORE', KEYS[2], lo, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {t[1] or '', known, limit, last, start, used, tonumber(oldest[2] or -1)}
`)

// exportGroup takes a lone number's state out of its own group, for
// SetPortfolio to add to the portfolio's: KEYS are :c, :t, :id and the
// number's :win of the lone group. Returns {counted (member, score, ...),
// tier name, tier limit or ”, links (id, id, ...), windows (member, score,
// ...)} and deletes the keys.
var exportGroup = redis.NewScript(`
local c = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local t = redis.call('HMGET', KEYS[2], 'name', 'limit')
local l = redis.call('HGETALL', KEYS[3])
local w = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return {c, t[1] or '', t[2] or '', l, w}
`)

// importGroup adds an exported lone number's state to a portfolio's: each
// customer at the later time, the higher tier, links the portfolio lacks.
// KEYS as exportGroup's, of the portfolio. ARGV[1] is the export as JSON
// {c: [member, score, ...], tn: name, tl: limit or "", l: [...], w: [...]};
// ARGV[2] the ttl.
var importGroup = redis.NewScript(`
local d = cjson.decode(ARGV[1])
for i = 1, #d.c, 2 do
  local cur = redis.call('ZSCORE', KEYS[1], d.c[i])
  if (not cur) or tonumber(cur) < tonumber(d.c[i+1]) then redis.call('ZADD', KEYS[1], d.c[i+1], d.c[i]) end
end
if #d.c > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if d.tl ~= '' then
  local cur = redis.call('HGET', KEYS[2], 'limit')
  local new = tonumber(d.tl)
  if (not cur) or (tonumber(cur) ~= -1 and (new == -1 or new > tonumber(cur))) then
    redis.call('HSET', KEYS[2], 'name', d.tn, 'limit', d.tl)
  end
end
for i = 1, #d.l, 2 do redis.call('HSETNX', KEYS[3], d.l[i], d.l[i+1]) end
for i = 1, #d.w, 2 do
  local cur = redis.call('ZSCORE', KEYS[4], d.w[i])
  if (not cur) or tonumber(cur) < tonumber(d.w[i+1]) then redis.call('ZADD', KEYS[4], d.w[i+1], d.w[i]) end
end
if #d.w > 0 then redis.call('PEXPIRE', KEYS[4], ARGV[2]) end
return 1
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
