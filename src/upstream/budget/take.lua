-- TAKE: roll the window when its reset has passed and take one unit, or answer the wait (ms).
-- The arithmetic of windowMath.roll and LocalBudgetStore.takeSync (window.ts, local-store.ts).
-- KEYS: budget hash, probe key, in-flight zset.
-- ARGV: now, key ttl, probe ttl, probe poll, ticket, in-flight ttl (ms).
-- Answers 0 (taken, the ticket held in flight) or the ms to wait.
local now = tonumber(ARGV[1])
local function inflight ()
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[6]))
  return redis.call('ZCARD', KEYS[3])
end
local function hold ()
  redis.call('ZADD', KEYS[3], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
end
local function probe ()
  if redis.call('SET', KEYS[2], now, 'PX', ARGV[3], 'NX') then hold(); return 0 end
  return tonumber(ARGV[4])
end
local s = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'reset', 'period')
if not s[1] then return probe() end
local limit = tonumber(s[1]); local rem = tonumber(s[2]); local reset = tonumber(s[3]); local period = tonumber(s[4])
if now >= reset then
  if period <= 0 then return probe() end
  reset = reset + (math.floor((now - reset) / period) + 1) * period
  rem = limit - inflight()
  if rem < 0 then rem = 0 end
end
if rem > 0 then
  redis.call('HSET', KEYS[1], 'remaining', rem - 1, 'reset', reset)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  hold()
  return 0
end
redis.call('HSET', KEYS[1], 'remaining', rem, 'reset', reset)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local wait = reset - now
if wait < 1 then wait = 1 end
return wait
