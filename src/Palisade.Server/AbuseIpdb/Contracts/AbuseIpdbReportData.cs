using System.Text.Json.Serialization;

namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>POST /api/v2/report</c> data. <see cref="Status"/> is "duplicate" when the same key reported the address
/// within the duplicate window (answered 200, counted once), absent otherwise.</summary>
public sealed record AbuseIpdbReportData(string IpAddress, int AbuseConfidenceScore)
{
    /// <summary><c>duplicate</c> for a repeat within the window; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }
}
