using Palisade.Core.Blocklists;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;

namespace Palisade.Server;

/// <summary>Everything a Palisade server is configured with (section "Palisade" of configuration).</summary>
public sealed class PalisadeOptions
{
    /// <summary>Folder holding the embedded database.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Folder of the geolocation data; empty means <c>&lt;DataDirectory&gt;/geo</c> (where <c>palisade geo install</c> puts it).</summary>
    public string? GeoDirectory { get; set; }

    /// <summary>PostgreSQL connection string; when set, the shared PostgreSQL store is used instead of SQLite.</summary>
    public string? Postgres { get; set; }

    /// <summary>Redis "host:port"; when set, quota counters and cross-node notifications go through Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of Redis keys and channels (several installations can share one Redis).</summary>
    public string RedisKeyPrefix { get; set; } = "palisade:";

    /// <summary>fsync every commit (power-loss safe) instead of relying on WAL for process-crash safety.</summary>
    public bool FullSync { get; set; }

    /// <summary>How scores are computed (section <c>Palisade:Scoring</c>, docs/scoring.md).</summary>
    public ScoringOptions Scoring { get; set; } = new();

    /// <summary>Retention and score caching (section <c>Palisade:Reputation</c>).</summary>
    public ReputationOptions Reputation { get; set; } = new();

    /// <summary>How often quota counters are written to the store; a crash forgets at most this much counting.</summary>
    public TimeSpan QuotaFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the server looks for key and whitelist changes made by the CLI.</summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often old reports are purged.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest request body accepted anywhere (bulk uploads); single-report bodies have a smaller limit.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Memory for rendered blocklists kept between pulls (pieces of every format asked for). A list larger than this is
    /// rendered while it is sent; at ~14 bytes per plaintext line the default keeps the full list whole up to ~3 million
    /// addresses.
    /// </summary>
    public long BlocklistRenderCacheBytes { get; set; } = BlocklistEngine.RenderCacheBytes;

    /// <summary>Overrides of the default tiers, by tier id.</summary>
    public Dictionary<string, TierSettings> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The address clients reach this server at (e.g. <c>https://palisade.example.com</c>), used for absolute links
    /// in answers such as AbuseIPDB's <c>nextPageUrl</c>. Never taken from the request's Host header; when empty, the
    /// address the connection arrived on is used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Maps <c>/bench/bare</c>, the baseline of bench/check; off in production.</summary>
    public bool BenchmarkEndpoints { get; set; }
}
