namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>bulk-report</c> data: counts per outcome and the rows that were refused.</summary>
public sealed record ReportedIpBulkReportData(int Accepted, int Duplicates, int Rejected, IReadOnlyList<ReportedIpRowError> Errors);
