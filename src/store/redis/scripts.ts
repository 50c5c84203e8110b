/**
 * The Redis store's Lua scripts: each runs atomically, so what one article or one sweep
 * changes is changed together or not at all. Key order is KEY_ORDER in redis-store.ts.
 */

/** KEYS: seen log log-time log-seq alerts alert-order alert-seq pending dev-alert dev-last follow-ups */
export const RECORD = `
if redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1]) == 0 then return 0 end
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[2], seq, ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], seq)
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[10], 'GT', ARGV[3], ARGV[4]) end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[5], ARGV[5], ARGV[6])
  redis.call('ZADD', KEYS[6], redis.call('INCR', KEYS[7]), ARGV[5])
  if ARGV[7] ~= '' then
    redis.call('HSETNX', KEYS[9], ARGV[7], ARGV[5])
    redis.call('ZADD', KEYS[10], 'GT', ARGV[3], ARGV[7])
  else
    redis.call('ZADD', KEYS[11], ARGV[8], ARGV[5])
  end
  for i = 9, #ARGV do redis.call('SADD', KEYS[8], ARGV[5] .. '\\n' .. ARGV[i]) end
end
return 1`;

/**
 * One batch of retention. ARGV: before, seenBefore, batch. Returns removed
 * {articles, alerts, developments, seen}; a full batch means more is left.
 */
export const SWEEP = `
local seenGone = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
local seqs = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])
for _, s in ipairs(seqs) do
  redis.call('ZREMRANGEBYSCORE', KEYS[2], s, s)
  redis.call('ZREM', KEYS[3], s)
end
local alerts = 0
local function drop(id)
  local raw = redis.call('HGET', KEYS[5], id)
  if raw then
    local ok, rec = pcall(cjson.decode, raw)
    if ok and type(rec.targets) == 'table' then
      for _, t in ipairs(rec.targets) do redis.call('SREM', KEYS[8], id .. '\\n' .. t) end
    end
    alerts = alerts + 1
  end
  redis.call('HDEL', KEYS[5], id)
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', KEYS[11], id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[11], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])) do drop(id) end
local devs = redis.call('ZRANGEBYSCORE', KEYS[10], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])
for _, d in ipairs(devs) do
  local a = redis.call('HGET', KEYS[9], d)
  if a then drop(a) end
  redis.call('HDEL', KEYS[9], d)
  redis.call('ZREM', KEYS[10], d)
end
return {#seqs, alerts, #devs, seenGone}`;

/**
 * Schema 1 (a set of seen ids, a list as the log and the alert order) to 2 (sorted sets,
 * so retention can trim them and the cursor stays put when it does). ARGV: now (ms).
 */
export const MIGRATE = `
if redis.call('GET', KEYS[12]) == '2' then return 0 end
if redis.call('TYPE', KEYS[1]).ok == 'set' then
  local ids = redis.call('SMEMBERS', KEYS[1])
  redis.call('DEL', KEYS[1])
  for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[1], id) end
end
if redis.call('TYPE', KEYS[2]).ok == 'list' then
  local items = redis.call('LRANGE', KEYS[2], 0, -1)
  redis.call('DEL', KEYS[2])
  for i, x in ipairs(items) do
    redis.call('ZADD', KEYS[2], i, x)
    redis.call('ZADD', KEYS[3], ARGV[1], i)
  end
  redis.call('SET', KEYS[4], #items)
end
if redis.call('TYPE', KEYS[6]).ok == 'list' then
  local ids = redis.call('LRANGE', KEYS[6], 0, -1)
  redis.call('DEL', KEYS[6])
  for i, id in ipairs(ids) do redis.call('ZADD', KEYS[6], i, id) end
  redis.call('SET', KEYS[7], #ids)
end
for _, d in ipairs(redis.call('HKEYS', KEYS[9])) do redis.call('ZADD', KEYS[10], 'NX', ARGV[1], d) end
local all = redis.call('HGETALL', KEYS[5])
for i = 1, #all, 2 do
  local ok, rec = pcall(cjson.decode, all[i + 1])
  if ok and type(rec.alert) == 'table' and rec.alert.kind == 'follow-up' then redis.call('ZADD', KEYS[11], 'NX', ARGV[1], all[i]) end
end
redis.call('SET', KEYS[12], '2')
return 1`;
