using System.Net;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>
/// Per-client-address daily limits for callers without a key, shared by every node (same atomic script as key quotas).
/// Fails closed like them: Redis unreachable means 503, not unlimited anonymous access.
/// </summary>
public sealed class RedisPublicQuotaCounter(RedisConnection redis) : IPublicQuotaCounter
{
    public ValueTask<QuotaDecision> TryConsumeAsync(IPAddress client, long limit, DateTimeOffset now) => ChargeAsync(client, limit, now, 1);

    public ValueTask<QuotaDecision> PeekAsync(IPAddress client, long limit, DateTimeOffset now) => ChargeAsync(client, limit, now, 0);

    private async ValueTask<QuotaDecision> ChargeAsync(IPAddress client, long limit, DateTimeOffset now, long units)
    {
        var reset = QuotaDay.NextReset(now);
        RedisResult result;
        try
        {
            var database = await redis.DatabaseAsync();
            result = await database.ScriptEvaluateAsync(RedisScripts.Charge,
                [redis.Key($"public:{QuotaDay.Of(now)}:{PublicQuotaCounter.ClientKey(client)}")],
                [units, limit, 0, 0, reset.AddDays(1).ToUnixTimeSeconds()]);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw new QuotaUnavailableException("The quota service (Redis) is unavailable; retry shortly.", ex);
        }

        var values = (RedisResult[])result!;
        return new QuotaDecision(QuotaFamily.Check, units, units == 0 ? 0 : (long)values[0], (long)values[1], limit, reset);
    }
}
