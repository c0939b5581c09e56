using System.Security.Cryptography;
using System.Text;
using Palisade.Core.Quotas;
using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>
/// <see cref="IAttemptLimiter"/> shared by every node: one Lua script takes the places on all of an attempt's limits (or
/// none), another ends it, each atomic in Redis, so guesses spread over the nodes of a cluster meet one limit. Keys hold
/// a hash of what they count (no e-mail addresses in Redis) and expire with their window or a day after a lock-out.
/// Times are the nodes' clocks. Redis unreachable: <see cref="QuotaUnavailableException"/>, the attempt is refused.
/// </summary>
public sealed class RedisAttemptLimiter(RedisConnection redis) : IAttemptLimiter
{
    public async ValueTask<TimeSpan?> TryBeginAsync(string attempt, IReadOnlyList<AttemptLimit> limits, DateTimeOffset now)
    {
        var arguments = new List<RedisValue> { now.ToUnixTimeMilliseconds(), attempt };
        foreach (var limit in limits)
        {
            arguments.Add(limit.Limit);
            arguments.Add(WindowMilliseconds(limit));
        }

        var wait = (long)await RunAsync(RedisScripts.AttemptBegin, limits, arguments);
        return wait > 0 ? TimeSpan.FromMilliseconds(wait) : null;
    }

    public async ValueTask EndAsync(string attempt, IReadOnlyList<AttemptLimit> limits, AttemptOutcome outcome, DateTimeOffset now)
    {
        var code = outcome switch { AttemptOutcome.Failed => "f", AttemptOutcome.Succeeded => "s", _ => "a" };
        var arguments = new List<RedisValue>
        {
            now.ToUnixTimeMilliseconds(), attempt, code, (long)InMemoryAttemptLimiter.MaxLockout.TotalMilliseconds,
        };
        foreach (var limit in limits)
        {
            arguments.AddRange([limit.Limit, WindowMilliseconds(limit), limit.LocksOut ? 1 : 0, limit.ForgetOnSuccess ? 1 : 0]);
        }

        await RunAsync(RedisScripts.AttemptEnd, limits, arguments);
    }

    private async Task<RedisResult> RunAsync(string script, IReadOnlyList<AttemptLimit> limits, List<RedisValue> arguments)
    {
        var keys = new RedisKey[limits.Count * 2];
        for (var i = 0; i < limits.Count; i++)
        {
            var name = "attempts:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(limits[i].Key)), 0, 16).ToLowerInvariant();
            keys[2 * i] = redis.Key(name);
            keys[(2 * i) + 1] = redis.Key(name + ":lock");
        }

        try
        {
            var database = await redis.DatabaseAsync();
            return await database.ScriptEvaluateAsync(script, keys, [.. arguments]);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw new QuotaUnavailableException("The shared limit counters (Redis) are unavailable; retry shortly.", ex);
        }
    }

    private static long WindowMilliseconds(AttemptLimit limit) => Math.Max(1, (long)limit.Window.TotalMilliseconds);
}
