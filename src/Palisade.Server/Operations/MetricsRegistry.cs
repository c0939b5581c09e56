using System.Text;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Stix;
using Palisade.Core.Storage;

namespace Palisade.Server.Operations;

/// <summary>
/// Everything <c>GET /metrics</c> exports, for one server instance: HTTP traffic recorded as it happens, and engine,
/// store and runtime state read when a scrape asks.
/// </summary>
/// <remarks>
/// A small exporter of its own rather than a library: prometheus-net 8.2.1 depends on .NET Core 3.1-era
/// Microsoft.Extensions packages whose exact versions the package feed does not serve (NU1603, an error in this
/// warnings-as-errors build), and OpenTelemetry's Prometheus exporter is a beta that brings the whole SDK. What is
/// needed is three instrument kinds and one text format; the tests check the output with the real <c>promtool</c>.
/// Each server has its own instance (several servers in one test process never share counts).
/// </remarks>
public sealed class MetricsRegistry
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MetricsCounter _requests = new("palisade_http_requests_total",
        "HTTP requests answered, by API face, method, route template and status code.", "face", "method", "route", "code", "status_class");

    private readonly MetricsHistogram _duration = new("palisade_http_request_duration_seconds",
        "Time from receiving a request to the end of its response, by API face.", "face", LatencyBuckets);

    private readonly MetricsCounter _quotaRefusals = new("palisade_http_quota_refusals_total",
        "Requests refused with 429 because a daily quota was used up, by quota family (public: ReportedIP's per-address quota of calls without a key).",
        "face", "family");

    private readonly MetricsEngineCollector _engine;
    private readonly MetricsRuntimeCollector _runtime = new();
    private readonly MetricsStoreProbe _store;

    public MetricsRegistry(MetricsOptions options, ReputationIndex index, ReportService reports, RetentionJob retention, BlocklistEngine blocklists,
        StixPublisher taxii, IStoreHealth store)
    {
        ArgumentNullException.ThrowIfNull(options);
        _engine = new MetricsEngineCollector(index, reports, retention, blocklists, taxii);
        _store = new MetricsStoreProbe(store, options.StoreCheckInterval);
        foreach (var face in MetricsFaces.All)
        {
            _duration.Touch(face);
        }
    }

    /// <summary>Records one answered request. <paramref name="refusedFamily"/> is set when it was a quota refusal.</summary>
    public void RecordRequest(string face, string method, string route, int status, TimeSpan elapsed, string? refusedFamily)
    {
        _requests.Inc(face, method, route, StatusCode(status), StatusClass(status));
        _duration.Observe(face, elapsed.TotalSeconds);
        if (refusedFamily is not null)
        {
            _quotaRefusals.Inc(face, refusedFamily);
        }
    }

    /// <summary>The label of a quota family.</summary>
    public static string FamilyLabel(QuotaFamily family) => family switch
    {
        QuotaFamily.Check => "check",
        QuotaFamily.Report => "report",
        QuotaFamily.Blacklist => "blacklist",
        QuotaFamily.Taxii => "taxii",
        _ => "other",
    };

    /// <summary>Collects every metric in the Prometheus text format 0.0.4 (UTF-8).</summary>
    public async Task<byte[]> CollectAsync(CancellationToken cancellationToken)
    {
        await _store.RefreshAsync(cancellationToken);
        var writer = new MetricsTextWriter();
        _requests.WriteTo(writer);
        _duration.WriteTo(writer);
        _quotaRefusals.WriteTo(writer);
        _engine.WriteTo(writer);
        _store.WriteTo(writer);
        _runtime.WriteTo(writer);
        return Encoding.UTF8.GetBytes(writer.ToString());
    }

    private static string StatusCode(int status) => status switch
    {
        200 => "200",
        204 => "204",
        304 => "304",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        429 => "429",
        500 => "500",
        503 => "503",
        >= 100 and <= 599 => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "other",
    };

    private static string StatusClass(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "other",
    };
}
