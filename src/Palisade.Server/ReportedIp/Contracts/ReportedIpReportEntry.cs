namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>A recent report in a verbose check; categories in ReportedIP ids.</summary>
public sealed record ReportedIpReportEntry(string ReportedAt, IReadOnlyList<int> Categories, string? Comment);
