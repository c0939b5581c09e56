using System.Globalization;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>
/// Quota counters shared by every node: one Lua script per charge, atomic in Redis, so N concurrent charges from any
/// number of nodes against a remaining quota of R grant exactly R units. Counters expire a day after their UTC day ends.
/// Each node remembers the last value it saw; the flusher copies those to the database, and a counter missing from
/// Redis (after a Redis restart) is seeded from them, so a Redis restart cannot hand out a fresh quota.
/// When Redis is unreachable, charges fail with <see cref="QuotaUnavailableException"/> (the request gets 503): fail closed.
/// </summary>
public sealed class RedisQuotaCounter(RedisConnection redis) : IQuotaCounter, IQuotaJournal
{
    private const string RefundScript =
        """
        local raw = redis.call('GET', KEYS[1])
        if not raw then return 0 end
        local used = tonumber(raw) - tonumber(ARGV[1])
        if used < 0 then used = 0 end
        redis.call('SET', KEYS[1], used, 'KEEPTTL')
        return used
        """;

    private readonly QuotaCells _seen = new();

    public ValueTask<QuotaDecision> TryConsumeAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => ChargeAsync(keyId, family, units, limit, now, partial: false);

    public ValueTask<QuotaDecision> ConsumeUpToAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => ChargeAsync(keyId, family, units, limit, now, partial: true);

    public ValueTask<QuotaDecision> PeekAsync(long keyId, QuotaFamily family, long? limit, DateTimeOffset now)
        => ChargeAsync(keyId, family, 0, limit, now, partial: false);

    public async ValueTask RefundAsync(long keyId, QuotaFamily family, long units, DateTimeOffset now)
    {
        if (units <= 0)
        {
            return;
        }

        var day = QuotaDay.Of(now);
        try
        {
            var database = await redis.DatabaseAsync();
            var used = (long)await database.ScriptEvaluateAsync(RefundScript, [CounterKey(keyId, family, day)], [units]);
            Remember(keyId, family, day, used, allowDecrease: true);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw new QuotaUnavailableException("The quota service (Redis) is unavailable; retry shortly.", ex);
        }
    }

    private async ValueTask<QuotaDecision> ChargeAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now, bool partial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        var day = QuotaDay.Of(now);
        var reset = QuotaDay.NextReset(now);
        var seed = _seen.Find(keyId, family, day)?.Used ?? 0;
        RedisResult result;
        try
        {
            var database = await redis.DatabaseAsync();
            result = await database.ScriptEvaluateAsync(RedisScripts.Charge, [CounterKey(keyId, family, day)],
                [units, limit ?? -1, partial ? 1 : 0, seed, reset.AddDays(1).ToUnixTimeSeconds()]);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw new QuotaUnavailableException("The quota service (Redis) is unavailable; retry shortly.", ex);
        }

        var values = (RedisResult[])result!;
        var granted = (long)values[0];
        var used = (long)values[1];
        if (granted > 0)
        {
            Remember(keyId, family, day, used, allowDecrease: false);
        }

        // A refused whole charge grants nothing; a peek "grants" its zero units.
        return new QuotaDecision(family, units, units == 0 ? 0 : granted, used, limit, reset);
    }

    private void Remember(long keyId, QuotaFamily family, int day, long used, bool allowDecrease)
    {
        var seen = _seen.GetOrAdd(keyId, family, day);
        if (allowDecrease)
        {
            seen.Set(used);
        }
        else if (seen.Raise(used))
        {
            seen.MarkDirty();
        }
    }

    private RedisKey CounterKey(long keyId, QuotaFamily family, int day)
        => redis.Key(string.Create(CultureInfo.InvariantCulture, $"quota:{day}:{keyId}:{(int)family}"));

    public void Load(IEnumerable<QuotaUsage> usages) => _seen.Load(usages);

    public IReadOnlyList<QuotaUsage> Snapshot(bool onlyDirty = true) => _seen.Snapshot(onlyDirty);

    public void MarkDirty(IEnumerable<QuotaUsage> usages) => _seen.MarkDirty(usages);

    public void ForgetBefore(int day) => _seen.ForgetBefore(day);
}
