namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>GET /api/v2/reports</c> data: one page of an address's reports, newest first.</summary>
public sealed record AbuseIpdbReportsPage(
    int Total,
    int Page,
    int Count,
    int PerPage,
    int LastPage,
    string? NextPageUrl,
    string? PreviousPageUrl,
    IReadOnlyList<AbuseIpdbReportEntry> Results);
