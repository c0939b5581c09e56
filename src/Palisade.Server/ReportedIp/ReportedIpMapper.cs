using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Server.Access;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>Maps engine data onto ReportedIP's wire: its 58 category ids, its field names.</summary>
internal static class ReportedIpMapper
{
    /// <summary>The report's categories in ReportedIP ids: the reporter's own when it spoke ReportedIP or AbuseIPDB (whose
    /// ids are ReportedIP's 1–23), else each native category's counterpart.</summary>
    public static IReadOnlyList<int> Categories(StoredReport report)
        => report.DialectCategories is { Count: > 0 } original && report.Dialect is "reportedip" or "abuseipdb"
            ? original
            : [.. report.Categories.Select(CategoryCatalog.ToReportedIp).Distinct()];

    public static string Name(int reportedIpId) => CategoryCatalog.ReportedIp[reportedIpId - 1].Name;

    /// <summary>The check answer; <paramref name="reports"/> are the reports a verbose answer lists (<see cref="ReportHistory"/>).</summary>
    public static ReportedIpCheckData Check(CheckResult result, IReadOnlyList<StoredReport> reports, GeoInfo? geo, bool verbose)
    {
        var data = new ReportedIpCheckData(
            result.Address.Text,
            result.Address.IsPublic,
            result.Score,
            result.TotalSessions,
            result.LastSeen is { } last ? WireTime.Rfc3339(last) : null,
            result.FirstSeen is { } first ? WireTime.Rfc3339(first) : null,
            result.Whitelisted is not null,
            result.Whitelisted?.Name,
            geo?.CountryCode,
            geo?.AsName,
            geo?.AsnLabel,
            [.. result.Categories
                .GroupBy(c => CategoryCatalog.ToReportedIp(c.Id))
                .Select(g => new ReportedIpCategoryCount(g.Key, Name(g.Key), g.Sum(c => c.Count)))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Id)]);
        if (!verbose)
        {
            return data;
        }

        var b = result.Breakdown;
        return data with
        {
            ConfidenceBreakdown = new ReportedIpConfidenceBreakdown(b.Score, b.RawScore,
                [.. b.Components.Select(c => new ReportedIpScoreComponent(c.Name, c.Value, c.Detail))]),
            Reports = [.. reports.Select(r => new ReportedIpReportEntry(WireTime.Rfc3339(r.ReportedAt), Categories(r), r.Comment))],
        };
    }
}
