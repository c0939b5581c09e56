namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>One report as AbuseIPDB lists it (verbose check, <c>/reports</c>); categories in AbuseIPDB's ids.</summary>
public sealed record AbuseIpdbReportEntry(
    string ReportedAt,
    string? Comment,
    IReadOnlyList<int> Categories,
    long ReporterId,
    string? ReporterCountryCode,
    string? ReporterCountryName);
