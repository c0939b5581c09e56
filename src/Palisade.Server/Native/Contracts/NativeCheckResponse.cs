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
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NativeWhitelistInfo? Whitelisted { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeCategoryCount>? Categories { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeReportSummary>? Reports { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NativeTimelinePoint>? Timeline { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NativeScoreBreakdown? ScoreBreakdown { get; init; }
}
