namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>A reported address found by a search.</summary>
public sealed record ReportedIpSearchHit(string Ip, int AbuseConfidencePercentage, long TotalReports, string? LastReportedAt);
