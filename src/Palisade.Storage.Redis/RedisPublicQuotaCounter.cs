using System.Net;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>
/// Per-client-address daily limits for callers without a key, shared by every node (same atomic script as key quotas).
/// Fails closed like them: Redis unreachable means 503, not unlimited anonymous access. IPv6 clients are also bounded
/// per /48, like <see cref="PublicQuotaCounter"/>.
/// </summary>
public sealed class RedisPublicQuotaCounter(RedisConnection redis) : IPublicQuotaCounter
{
    public ValueTask<QuotaDecision> TryConsumeAsync(IPAddress client, long limit, DateTimeOffset now) => ChargeAsync(client, limit, now, 1);

    public ValueTask<QuotaDecision> PeekAsync(IPAddress client, long limit, DateTimeOffset now) => ChargeAsync(client, limit, now, 0);

    private async ValueTask<QuotaDecision> ChargeAsync(IPAddress client, long limit, DateTimeOffset now, long units)
    {
        var reset = QuotaDay.NextReset(now);
        var day = QuotaDay.Of(now);
        var expiry = reset.AddDays(1).ToUnixTimeSeconds();
        try
        {
            var database = await redis.DatabaseAsync();
            // An IPv6 client is charged on its /48 first (a site cannot spray its 65,536 /64s), then on its /64; a /64
            // refusal gives the /48 its unit back. Keys expire with the day: Redis needs no eviction.
            RedisKey? site = PublicQuotaCounter.SiteKey(client) is { } siteKey ? redis.Key($"public:{day}:{siteKey}") : (RedisKey?)null;
            var siteLimit = limit * PublicQuotaCounter.Per48Multiple;
            if (site is { } s)
            {
                var (siteGranted, siteUsed) = await RunAsync(database, s, units, siteLimit, expiry);
                if (siteUsed >= siteLimit && (units == 0 || siteGranted == 0))
                {
                    return new QuotaDecision(QuotaFamily.Check, units, 0, limit, limit, reset);
                }
            }

            var (granted, used) = await RunAsync(database, redis.Key($"public:{day}:{PublicQuotaCounter.ClientKey(client)}"), units, limit, expiry);
            if (units > 0 && granted == 0 && site is { } refund)
            {
                await database.StringDecrementAsync(refund, units);
            }

            return new QuotaDecision(QuotaFamily.Check, units, units == 0 ? 0 : granted, used, limit, reset);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw new QuotaUnavailableException("The quota service (Redis) is unavailable; retry shortly.", ex);
        }
    }

    private static async Task<(long Granted, long Used)> RunAsync(IDatabase database, RedisKey key, long units, long limit, long expiry)
    {
        var values = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.Charge, [key], [units, limit, 0, 0, expiry]))!;
        return ((long)values[0], (long)values[1]);
    }
}
