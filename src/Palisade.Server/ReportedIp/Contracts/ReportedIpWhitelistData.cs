namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>POST /whitelist</c> data: the positive feedback was recorded and the caller's own reports withdrawn.</summary>
public sealed record ReportedIpWhitelistData(string Ip, string Status, int ReportsWithdrawn, int ConfidenceScore);
