using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// <c>GET /wp-json/reportedip/v2/blacklist</c> on the shared blocklist engine, following ReportedIP's inclusion rule:
/// confidence at least <c>minConfidence</c> (default 75), not whitelisted, first seen at least 48 hours ago. <c>format=json</c> (the envelope with
/// <c>[{ip, confidence, categories, last_reported}]</c>, categories in ReportedIP ids), <c>txt</c> or <c>csv</c>;
/// <c>limit</c>, <c>ipVersion</c>. Charged per address returned, cut to the remaining blacklist quota.
/// </summary>
internal static class ReportedIpBlacklist
{
    public const int DefaultMinimum = 75;

    public static void Map(RouteGroupBuilder api)
        => api.MapGet("/blacklist", Blacklist)
            .AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Blacklist, ReportedIpPermission.Blacklist))
            .WithName("ReportedIpBlacklist").WithSummary("ReportedIP blacklist: addresses at or above minConfidence (format json, or txt/csv as text).")
            .Produces<ReportedIpEnvelope<IReadOnlyList<ReportedIpBlacklistEntry>>>().ProducesText("text/plain", "text/csv");

    public static async Task<IResult> Blacklist(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var q = http.Request.Query;
        // ReportedIP's inclusion rule: confidence at least the minimum, not whitelisted, observed for 48 hours.
        var query = new BlocklistQuery { ScoreMinimum = DefaultMinimum, ObservedFor = TimeSpan.FromHours(48) };
        if (q["minConfidence"].ToString() is { Length: > 0 } minimum)
        {
            if (!BlocklistParameters.TryParseScore("minConfidence", minimum, out var score, out var error))
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, error);
            }

            query = query with { ScoreMinimum = score };
        }

        if (q["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!BlocklistParameters.TryParseLimit("limit", limitText, out var limit, out var error))
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, error);
            }

            query = query with { Limit = limit };
        }

        if (q["ipVersion"].ToString() is { Length: > 0 } versionText)
        {
            if (!BlocklistParameters.TryParseIpVersion("ipVersion", versionText, out var version, out var error))
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, error);
            }

            query = query with { IpVersion = version };
        }

        var format = q["format"].ToString().ToLowerInvariant();
        if (format is not ("" or "json" or "txt" or "csv"))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Parameter 'format' must be json, txt or csv.");
        }

        var selection = await engine.SelectAsync(query, http.RequestAborted);
        // The WordPress plugin caches the list and revalidates it: an unchanged list is 304 and costs nothing.
        var etag = selection.ETag[..^1] + "-reportedip-" + (format.Length == 0 ? "json" : format) + "\"";
        if (EntityTags.Matches(http.Request, etag))
        {
            http.Response.Headers.ETag = etag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var decision = await access.ChargeUpToAsync(selection.Count, quotas, clock);
        if (selection.Count > 0 && decision.Granted == 0)
        {
            return ReportedIpResults.TooManyRequests(QuotaDay.SecondsUntilReset(clock.UtcNow));
        }

        var served = selection.Take((int)Math.Min(decision.Granted, selection.Count));
        if (served.Count == selection.Count)
        {
            // A list cut at the quota is not the list: only whole lists get a tag to revalidate.
            http.Response.Headers.ETag = etag;
        }

        var rendered = format switch
        {
            "txt" => engine.Render(served, BlocklistFormat.Plaintext),
            "csv" => engine.Render(served, BlocklistFormat.Csv),
            _ => engine.Render(served, ReportedIpBlacklistLayout.Instance),
        };
        return new BlocklistResult(rendered);
    }
}
