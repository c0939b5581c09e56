using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// <c>meta</c> of <c>GET /v1/key/blacklist</c>: SikkerAPI's fields (epoch-ms <c>generatedAt</c>, <c>scoreMinimum</c>,
/// <c>limit</c>, <c>count</c>) plus the size before the limit, whether the quota cut the list, and the cursor for <c>since</c>.
/// </summary>
public sealed record BlacklistMeta(long GeneratedAt, int ScoreMinimum, int? Limit, int Count, int Total, bool Truncated, string Cursor)
{
    /// <summary>Why the list was cut (<c>quota</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TruncatedReason { get; init; }

    /// <summary>Incremental pulls: the cursor or time asked from.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Since { get; init; }

    /// <summary>Incremental pulls: true when the server could not answer from its history and <c>added</c> is the whole list.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Reset { get; init; }
}
