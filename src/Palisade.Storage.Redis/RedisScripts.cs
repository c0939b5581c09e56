namespace Palisade.Storage.Redis;

/// <summary>Lua scripts run atomically inside Redis: a check and its increment can never interleave with another node's.</summary>
internal static class RedisScripts
{
    // KEYS[1] counter; ARGV: units, limit (-1 = unlimited), partial (1/0), seed, expire-at (unix seconds)
    public const string Charge =
        """
        local raw = redis.call('GET', KEYS[1])
        local used = tonumber(ARGV[4])
        if raw then used = tonumber(raw) end
        local units = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local granted = units
        if limit >= 0 then
          local remaining = limit - used
          if remaining < 0 then remaining = 0 end
          if units > remaining then
            if ARGV[3] == '1' then granted = remaining else granted = 0 end
          end
        end
        if granted > 0 or not raw then
          used = used + granted
          redis.call('SET', KEYS[1], used, 'EXAT', ARGV[5])
        end
        return {granted, used}
        """;

    // KEYS: per limit its places (sorted set: attempt id -> time) then its lock-out (hash); ARGV: now (unix ms), attempt
    // id, then per limit: limit, window (ms). Returns 0 with a place taken on every limit, or the wait in ms.
    public const string AttemptBegin =
        """
        local now = tonumber(ARGV[1])
        local wait = 0
        for i = 1, #KEYS / 2 do
          local places = KEYS[2 * i - 1]
          local limit = tonumber(ARGV[1 + 2 * i])
          local window = tonumber(ARGV[2 + 2 * i])
          local blocked = tonumber(redis.call('HGET', KEYS[2 * i], 'until') or '0')
          if blocked > now then
            wait = math.max(wait, blocked - now)
          else
            redis.call('ZREMRANGEBYSCORE', places, '-inf', now - window)
            if redis.call('ZCARD', places) >= limit then
              local oldest = redis.call('ZRANGE', places, 0, 0, 'WITHSCORES')
              wait = math.max(wait, tonumber(oldest[2]) + window - now, 1000)
            end
          end
        end
        if wait > 0 then return math.ceil(wait) end
        for i = 1, #KEYS / 2 do
          redis.call('ZADD', KEYS[2 * i - 1], ARGV[1], ARGV[2])
          redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[2 + 2 * i])
        end
        return 0
        """;

    // KEYS as AttemptBegin; ARGV: now (unix ms), attempt id, outcome (f, s or a), max lock-out (ms), then per limit: limit,
    // window (ms), locks out (1/0), forget on success (1/0). A lock-out's history expires a day after it ends.
    public const string AttemptEnd =
        """
        local now = tonumber(ARGV[1])
        local day = tonumber(ARGV[4])
        for i = 1, #KEYS / 2 do
          local places = KEYS[2 * i - 1]
          local lock = KEYS[2 * i]
          local limit = tonumber(ARGV[1 + 4 * i])
          local window = tonumber(ARGV[2 + 4 * i])
          if ARGV[3] == 's' and ARGV[4 + 4 * i] == '1' then
            redis.call('DEL', places, lock)
          elseif ARGV[3] ~= 'f' then
            redis.call('ZREM', places, ARGV[2])
          elseif ARGV[3 + 4 * i] == '1' and redis.call('ZSCORE', places, ARGV[2]) then
            redis.call('ZREMRANGEBYSCORE', places, '-inf', now - window)
            if redis.call('ZCARD', places) >= limit then
              local state = redis.call('HMGET', lock, 'strikes', 'last')
              local strikes = 1
              if state[1] and now - tonumber(state[2]) < day then strikes = tonumber(state[1]) + 1 end
              local lockout = math.min(window * 2 ^ math.min(strikes - 1, 16), day)
              redis.call('HSET', lock, 'strikes', strikes, 'last', ARGV[1], 'until', string.format('%d', now + lockout))
              redis.call('PEXPIRE', lock, string.format('%d', lockout + day))
              redis.call('DEL', places)
            end
          end
        end
        return 0
        """;
}
