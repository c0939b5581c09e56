using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// <c>GET /v1/key/check/{ip}</c>, field for field as SikkerAPI's client decodes it (integer confidenceLevel, RFC 3339
/// firstSeen/lastSeen, nullable geolocation), plus the verbose parts.
/// </summary>
public sealed record NativeCheckResponse(
    string Ip,
    bool Found,
    bool IsPublic,
    int ConfidenceLevel,
    NativeGeolocation? Geolocation,
    string? FirstSeen,
    string? LastSeen,
    long TotalSessions,
    long TotalEvents,
    IReadOnlyList<NativeProtocol> Protocols,
    IReadOnlyList<NativeBehavior> Behaviors,
    IReadOnlyList<NativePrimitive> Primitives)
{
    /// <summary>Why the address is whitelisted, when it is (then its score is 0).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NativeWhitelistInfo? Whitelisted { get; init; }

    /// <summary>IPv6: the roll-up of the address's /64 when any address in it was reported.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NativePrefixReputation? Prefix64 { get; init; }

    /// <summary>Verbose: reports per category.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeCategoryCount>? Categories { get; init; }

    /// <summary>Verbose: the latest reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeReportSummary>? Reports { get; init; }

    /// <summary>Verbose: reports per day.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeTimelinePoint>? Timeline { get; init; }

    /// <summary>Verbose: how the score was reached.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NativeScoreBreakdown? ScoreBreakdown { get; init; }
}
