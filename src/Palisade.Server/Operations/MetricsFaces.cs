using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Operations;

/// <summary>
/// The API face a request path belongs to: the <c>face</c> label of the HTTP metrics. A fixed, small set of values,
/// so a scanner requesting random paths cannot grow the number of series.
/// </summary>
public static class MetricsFaces
{
    public const string Native = "native";
    public const string AbuseIpdb = "abuseipdb";
    public const string ReportedIp = "reportedip";
    public const string IpSwamp = "ipswamp";
    public const string CrowdSec = "crowdsec";
    public const string Taxii = "taxii";
    public const string Dashboard = "dashboard";
    public const string Operations = "operations";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Native, AbuseIpdb, ReportedIp, IpSwamp, CrowdSec, Taxii, Dashboard, Operations, Other];

    // Most specific first: CrowdSec's /v1/decisions sits under the native /v1 prefix.
    private static readonly (string Prefix, string Face)[] Prefixes =
    [
        ("v1/decisions", CrowdSec),
        ("v1/", Native),
        ("api/v2/", AbuseIpdb),
        ("api/v1/", IpSwamp),
        ("wp-json/reportedip/", ReportedIp),
        ("taxii2", Taxii),
        ("dashboard", Dashboard),
        ("healthz", Operations),
        ("readyz", Operations),
        ("metrics", Operations),
        ("openapi/", Operations),
        ("scalar", Operations),
        ("bench/", Operations),
    ];

    public static string Of(PathString path)
    {
        // Leading slashes are collapsed later in the pipeline ("//v1/…" is served as "/v1/…"), so ignore them here too.
        var text = (path.Value ?? string.Empty).AsSpan().TrimStart('/');
        foreach (var (prefix, face) in Prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (prefix[^1] == '/' || text.Length == prefix.Length || text[prefix.Length] == '/'))
            {
                return face;
            }
        }

        return Other;
    }
}
