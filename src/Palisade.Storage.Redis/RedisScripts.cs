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
}
