using System.Text.Json.Serialization;

namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>check</c> / <c>check-public</c> data: the documented fields (ip, abuseConfidencePercentage, totalReports,
/// lastReportedAt) and the ones ReportedIP's Hive client reads (isWhitelisted, countryCode, isp); the breakdown and
/// recent reports with <c>verbose=true</c>.</summary>
public sealed record ReportedIpCheckData(
    string Ip,
    bool IsPublic,
    int AbuseConfidencePercentage,
    long TotalReports,
    string? LastReportedAt,
    string? FirstReportedAt,
    bool IsWhitelisted,
    string? WhitelistReason,
    string? CountryCode,
    string? Isp,
    string? Asn,
    IReadOnlyList<ReportedIpCategoryCount> Categories)
{
    /// <summary>How the confidence was reached.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReportedIpConfidenceBreakdown? ConfidenceBreakdown { get; init; }

    /// <summary>The latest reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReportedIpReportEntry>? Reports { get; init; }
}
