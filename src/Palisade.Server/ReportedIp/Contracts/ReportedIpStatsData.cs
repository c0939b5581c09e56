namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>stats-public</c> data: totals over every retained report.</summary>
public sealed record ReportedIpStatsData(long TrackedIps, long TotalReports, long ActiveLast24Hours, long HighConfidenceIps, string GeneratedAt);
