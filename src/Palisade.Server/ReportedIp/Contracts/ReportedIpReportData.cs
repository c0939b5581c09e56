namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>report</c> data: "accepted", or "duplicate" when the same key reported the address within the window.</summary>
public sealed record ReportedIpReportData(string Ip, long ReportId, string Status, int AbuseConfidencePercentage, IReadOnlyList<int> Categories);
