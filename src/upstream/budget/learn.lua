-- LEARN: merge an answer's X-RateLimit-* headers into the window (windowMath.learn, window.ts).
-- KEYS: budget hash, probe key, in-flight zset.
-- ARGV: limit, remaining, reset (ms), key ttl, max period, now, in-flight ttl (ms).
-- Answers 1.
local limit = tonumber(ARGV[1]); local rem = tonumber(ARGV[2]); local reset = tonumber(ARGV[3]); local maxp = tonumber(ARGV[5])
if rem > limit then rem = limit end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[6]) - tonumber(ARGV[7]))
local fresh = rem - redis.call('ZCARD', KEYS[3])
if fresh < 0 then fresh = 0 end
local s = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'reset', 'period')
if not s[1] then
  redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', fresh, 'reset', reset, 'period', 0)
else
  local oreset = tonumber(s[3]); local period = tonumber(s[4])
  if reset > oreset then
    local d = reset - oreset
    if d <= maxp then
      if period > 0 and period < d then d = period end
      period = d
    end
    redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', fresh, 'reset', reset, 'period', period)
  elseif reset == oreset then
    local orem = tonumber(s[2])
    if orem < rem then rem = orem end
    redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', rem)
  elseif reset > tonumber(ARGV[6]) then
    -- an earlier reset still in the future: the window was rolled by a period too long (windowMath.learn)
    local d = oreset - reset
    if period > 0 and period < d then d = period end
    local orem = tonumber(s[2])
    if orem < fresh then fresh = orem end
    redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', fresh, 'reset', reset, 'period', d)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if reset > tonumber(ARGV[6]) then redis.call('DEL', KEYS[2]) end
return 1
