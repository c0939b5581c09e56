namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>POST /api/v2/bulk-report</c> data: how many rows were saved and why the others were not.</summary>
public sealed record AbuseIpdbBulkReportData(int SavedReports, IReadOnlyList<AbuseIpdbInvalidReport> InvalidReports);
