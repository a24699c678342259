import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/RedisClient';

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not know it yet (first
 * use, or after a restart flushed the script cache). Every key a script touches is passed in KEYS,
 * so it runs on Redis Cluster (all outbox keys share one hash tag).
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script on `client`. */
  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Adds an event unless its idempotency key exists. The XADD comes before the key is set: a script
 * is not rolled back when a command fails, and a taken id without its event would lose the event
 * (a refused XADD — wrong type, out of memory — must leave nothing behind). KEYS: stream, id key.
 * ARGV: id, type, payload, createdAt, dedupe TTL ms (0 = no expiry). Returns the new stream id, or
 * nil when the id was already added.
 */
export const ADD = new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local sid = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'type', ARGV[2], 'payload', ARGV[3], 'createdAt', ARGV[4])
if tonumber(ARGV[5]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[5])
else
  redis.call('SET', KEYS[2], '1')
end
return sid
`);

/**
 * Acknowledges finished entries and forgets their run counts. KEYS: stream, state. ARGV: group,
 * streamId... Returns how many were still pending.
 */
export const ACK = new LuaScript(`
local acked = 0
for i = 2, #ARGV do
  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i], ARGV[i] .. ':e')
end
return acked
`);

/**
 * Records a failed run: its last error, and (for a first run, which is not marked at its start)
 * the run itself. KEYS: state. ARGV: streamId, error JSON, 1 to count the run or 0.
 */
export const FAIL = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[1] .. ':e', ARGV[2])
if ARGV[3] == '1' then return redis.call('HINCRBY', KEYS[1], ARGV[1], 1) end
return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
`);

/**
 * Parks an entry for manual review atomically with its acknowledgement, under its own stream id:
 * two parked events with one event id (added again after `dedupeTtlMs`) are two records. The
 * record is written before the XACK, so a refused write (out of memory) leaves the entry pending
 * rather than lost. KEYS: stream, state, review. ARGV: group, streamId, JSON record. Returns 0 (and
 * parks nothing) when the entry is no longer pending, i.e. someone else already finished it.
 */
export const REVIEW = new LuaScript(`
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2], ARGV[2] .. ':e')
return 1
`);

/**
 * One page of pending entries taken by this consumer for a run: its own (`own` = 1, any idle time)
 * or every consumer's entries idle at least `minIdle` ms (a dead consumer's, `own` = 0). Each is
 * re-claimed (XCLAIM JUSTID, which also resets its idle time), except the entries passed to skip:
 * those are left to go idle. Checking and claiming in one script means an entry another consumer
 * took meanwhile is never taken back. KEYS: stream. ARGV: group, consumer, start (`-` or
 * `(<id>`), count, minIdle, own, streamId to skip... Returns {entries scanned, last id scanned,
 * {{id, fields or false when deleted from the stream}...}}.
 */
export const TAKE_PENDING = new LuaScript(`
local rows
if ARGV[6] == '1' then
  rows = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', tonumber(ARGV[5]), ARGV[3], '+', tonumber(ARGV[4]), ARGV[2])
else
  rows = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', tonumber(ARGV[5]), ARGV[3], '+', tonumber(ARGV[4]))
end
local skip = {}
for i = 7, #ARGV do skip[ARGV[i]] = true end
local out = {}
local last = ''
for _, row in ipairs(rows) do
  local id = row[1]
  last = id
  if not skip[id] then
    local entry = redis.call('XRANGE', KEYS[1], id, id)
    if #entry == 0 then
      out[#out + 1] = {id, false}
    else
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
      out[#out + 1] = entry[1]
    end
  end
end
return {#rows, last, out}
`);

/**
 * Keeps entries a batch still owns from looking idle to other consumers' XAUTOCLAIM: re-claims
 * (JUSTID: no delivery-count change) each entry that is still pending for this consumer. KEYS:
 * stream. ARGV: group, consumer, streamId... Returns the ids still owned.
 */
export const HEARTBEAT = new LuaScript(`
local kept = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept[#kept + 1] = ARGV[i]
  end
end
return kept
`);

/**
 * Puts parked events back on the stream, in the order given, and renews their idempotency key;
 * each record is removed after its XADD, so a refused XADD leaves it parked. A record removed
 * meanwhile (requeued by someone else) is skipped. KEYS: stream, review, id key. ARGV: dedupe TTL
 * ms, then per record: review field, id, type, payload, createdAt. Returns how many were requeued.
 */
export const REQUEUE = new LuaScript(`
local requeued = 0
for i = 2, #ARGV, 5 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', 'id', ARGV[i + 1], 'type', ARGV[i + 2], 'payload', ARGV[i + 3], 'createdAt', ARGV[i + 4])
    redis.call('HDEL', KEYS[2], ARGV[i])
    requeued = requeued + 1
  end
end
if requeued > 0 then
  if tonumber(ARGV[1]) > 0 then
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
  else
    redis.call('SET', KEYS[3], '1')
  end
end
return requeued
`);

/**
 * What is not handled yet, for the gauges and the health check. KEYS: stream, review. ARGV: group.
 * Returns {pending (delivered, not acknowledged), undelivered, parked, ms timestamp of the oldest
 * unhandled entry's id or -1, the server's clock in ms}. Undelivered is the group's `lag` (Redis
 * 7); when Redis cannot tell it (older servers, or after entries were deleted) the entries after
 * the last-delivered id are counted, at most 10000. Before the group exists every entry counts.
 */
export const COUNTS = new LuaScript(`
local function ms(id) return tonumber(string.match(id, '^(%d+)')) end
local function first(from)
  local e = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 1)
  if #e == 0 then return -1 end
  return ms(e[1][1])
end
local now = redis.call('TIME')
local clock = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local parked = redis.call('HLEN', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, parked, -1, clock} end
local group = nil
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  if info['name'] == ARGV[1] then group = info end
end
if group == nil then return {0, redis.call('XLEN', KEYS[1]), parked, first('-'), clock} end
local pending = group['pending']
local after = '(' .. group['last-delivered-id']
local lag = group['lag']
if type(lag) ~= 'number' then lag = #redis.call('XRANGE', KEYS[1], after, '+', 'COUNT', 10000) end
local oldest = -1
if pending > 0 then
  oldest = ms(redis.call('XPENDING', KEYS[1], ARGV[1])[2])
elseif lag > 0 then
  oldest = first(after)
end
return {pending, lag, parked, oldest, clock}
`);

/**
 * Trims acknowledged entries only: MINID is the oldest entry any group still needs (its oldest
 * pending entry, else its last-delivered id), so an unacknowledged or undelivered entry is never
 * removed. Nothing is trimmed while the stream has no group. KEYS: stream. Returns entries removed.
 */
export const TRIM = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local bound, bms, bseq = nil, 0, 0
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local candidate = info['last-delivered-id']
  if info['pending'] > 0 then candidate = redis.call('XPENDING', KEYS[1], info['name'])[2] end
  local ms, seq = parse(candidate)
  if bound == nil or ms < bms or (ms == bms and seq < bseq) then bound, bms, bseq = candidate, ms, seq end
end
return redis.call('XTRIM', KEYS[1], 'MINID', bound)
`);
