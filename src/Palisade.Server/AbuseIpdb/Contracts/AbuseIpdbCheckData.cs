using System.Text.Json.Serialization;

namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>GET /api/v2/check</c> data, field for field as AbuseIPDB answers; <c>countryName</c> and <c>reports</c>
/// only with <c>verbose</c>.</summary>
public sealed record AbuseIpdbCheckData(
    string IpAddress,
    bool IsPublic,
    int IpVersion,
    bool? IsWhitelisted,
    int AbuseConfidenceScore,
    string? CountryCode,
    string? UsageType,
    string? Isp,
    string? Domain,
    IReadOnlyList<string> Hostnames,
    bool IsTor,
    long TotalReports,
    int NumDistinctUsers,
    string? LastReportedAt)
{
    /// <summary>The country's English name (with <c>verbose</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CountryName { get; init; }

    /// <summary>With <c>verbose</c>: the latest reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AbuseIpdbReportEntry>? Reports { get; init; }
}
