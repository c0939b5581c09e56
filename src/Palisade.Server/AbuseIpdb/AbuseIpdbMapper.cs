using System.Globalization;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Server.AbuseIpdb.Contracts;

namespace Palisade.Server.AbuseIpdb;

/// <summary>Maps engine data onto AbuseIPDB's wire: its 23 category ids and its timestamp form.</summary>
internal static class AbuseIpdbMapper
{
    /// <summary>AbuseIPDB writes times as "2019-09-24T13:32:47+00:00".</summary>
    public static string Time(DateTimeOffset instant)
        => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? instant) => instant is { } value ? Time(value) : null;

    /// <summary>The report's categories in AbuseIPDB ids: the reporter's own ids when it spoke AbuseIPDB (or ReportedIP,
    /// whose 1–23 are the same), else each native category's AbuseIPDB counterpart.</summary>
    public static IReadOnlyList<int> Categories(StoredReport report)
    {
        if (report.DialectCategories is { Count: > 0 } original && report.Dialect is "abuseipdb" or "reportedip")
        {
            return [.. original
                .Select(id => id <= CategoryCatalog.AbuseIpdb.Count || !CategoryCatalog.TryFromReportedIp(id, out var c)
                    ? id
                    : CategoryCatalog.ToAbuseIpdb(c.Id))
                .Distinct()];
        }

        return [.. report.Categories.Select(CategoryCatalog.ToAbuseIpdb).Distinct()];
    }

    /// <summary>One report; <c>reporterId</c> is the reporter's opaque id, never the key's (keys are internal).</summary>
    public static AbuseIpdbReportEntry Report(StoredReport report, Palisade.Core.Reputation.ReporterBook reporters)
        => new(Time(report.ReportedAt), report.Comment, Categories(report), reporters.ReporterOf(report.KeyId), null, null);
}
