namespace Palisade.Storage.Redis;

/// <summary>How the Redis counters and feed connect (from <c>Palisade:Redis</c> and <c>Palisade:RedisKeyPrefix</c>).</summary>
public sealed class RedisOptions
{
    /// <summary>"host:port" or a StackExchange.Redis configuration string.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so several installations (or test runs) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "palisade:";

    /// <summary>Milliseconds before a Redis call counts as failed (and the request gets 503).</summary>
    public int TimeoutMilliseconds { get; set; } = 2000;
}
