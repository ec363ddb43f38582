package redisinbox

import "github.com/redis/go-redis/v9"

// The scripts make each step that must check and change several keys one
// atomic round trip. Keys, all in one cluster slot by their {hash tag}:
//
//	KEYS[1]  <prefix>{<name>}:stream    deliveries (fields b: body, r: received, Unix µs)
//	KEYS[2]  <prefix>{<name>}:failures  failures per pending entry (hash id -> count)
//	KEYS[3]  <prefix>{<name>}:dead      dead letters (fields id, b, r, f: failures, err, at)
//
// An entry is held by a consumer while it is in the consumer's pending
// entries list (PEL); Retry and DeadLetter act only on an entry the caller
// still holds, because a slow worker's late outcome must not settle an
// entry another worker took over.

// claim hands ARGV[2] up to ARGV[4] entries of the group ARGV[1] idle for
// at least ARGV[3] ms, scanning from the cursor ARGV[5], with their failure
// counts. Returns {next cursor, id1, fields1, failures1, id2, ...}.
var claim = redis.NewScript(`
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[5], 'COUNT', ARGV[4])
local out = {r[1]}
for _, e in ipairs(r[2]) do
  if e and e[1] then
    out[#out+1] = e[1]
    out[#out+1] = e[2]
    out[#out+1] = tonumber(redis.call('HGET', KEYS[2], e[1]) or '0')
  end
end
-- Entries trimmed from the stream while pending are dropped from the PEL
-- by XAUTOCLAIM (Redis 7); their failure counts go with them.
if r[3] then
  for _, id in ipairs(r[3]) do redis.call('HDEL', KEYS[2], id) end
end
return out
`)

// retry makes entry ARGV[3], held by consumer ARGV[2] of group ARGV[1],
// claimable again once the visibility timeout minus ARGV[4] ms has passed
// (XCLAIM IDLE backdates its last delivery; JUSTID leaves the delivery
// count alone), and counts a failure if ARGV[5] is "1". Returns 1, or 0
// when the consumer no longer holds the entry.
var retry = redis.NewScript(`
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2]) == 0 then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
if ARGV[5] == '1' then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
return 1
`)

// deadLetter copies entry ARGV[3], held by consumer ARGV[2] of group
// ARGV[1], to the dead letters with its failure count ARGV[4], error
// ARGV[5] and time ARGV[6] (Unix µs), trimming them to ARGV[7] entries if
// it is not "0", and settles it. Returns 1, or 0 when the consumer no longer
// holds the entry.
var deadLetter = redis.NewScript(`
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2]) == 0 then return 0 end
local e = redis.call('XRANGE', KEYS[1], ARGV[3], ARGV[3])
if #e > 0 then
  local body, received = '', '0'
  local f = e[1][2]
  for i = 1, #f, 2 do
    if f[i] == 'b' then body = f[i+1] elseif f[i] == 'r' then received = f[i+1] end
  end
  if ARGV[7] ~= '0' then
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'id', ARGV[3], 'b', body, 'r', received,
      'f', ARGV[4], 'err', ARGV[5], 'at', ARGV[6])
  else
    redis.call('XADD', KEYS[3], '*', 'id', ARGV[3], 'b', body, 'r', received, 'f', ARGV[4], 'err', ARGV[5], 'at', ARGV[6])
  end
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
redis.call('HDEL', KEYS[2], ARGV[3])
return 1
`)

// replay moves up to ARGV[1] dead letters, oldest first, back to the
// stream as new entries. Returns how many it moved.
var replay = redis.NewScript(`
local d = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', ARGV[1])
for _, e in ipairs(d) do
  local body, received = '', '0'
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'b' then body = f[i+1] elseif f[i] == 'r' then received = f[i+1] end
  end
  redis.call('XADD', KEYS[1], '*', 'b', body, 'r', received)
  redis.call('XDEL', KEYS[3], e[1])
end
return #d
`)

// leave deletes consumer ARGV[2] of group ARGV[1] if it holds no entry
// (XGROUP DELCONSUMER would drop the entries it holds). Returns 1 when it
// deleted it.
var leave = redis.NewScript(`
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`)
