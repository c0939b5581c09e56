using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.IpSwamp.Contracts;

namespace Palisade.Server.IpSwamp;

/// <summary>
/// <c>GET /api/v1/export</c>: threat data as JSON (<c>[{ip, score, threat_level, last_attack, total_hits}]</c>) or CSV, from
/// the shared blocklist engine. <c>format=json|csv</c>, <c>minScore</c> (default 50), <c>limit</c>. Charged per address
/// exported from the blacklist quota, cut to what remains.
/// </summary>
internal static class IpSwampExport
{
    public static void Map(RouteGroupBuilder api)
        => api.MapGet("/export", Export).AddEndpointFilter(IpSwampDialect.Instance.Access(QuotaFamily.Blacklist, Feature.Blacklist))
            .WithName("IpSwampExport").WithSummary("IPSwamp export: addresses at or above minScore (format json, or csv as text).")
            .Produces<IReadOnlyList<IpSwampExportEntry>>().ProducesText("text/csv");

    public static async Task<IResult> Export(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var q = http.Request.Query;
        var query = new BlocklistQuery();
        if (q["minScore"].ToString() is { Length: > 0 } minimum)
        {
            if (!BlocklistParameters.TryParseScore("minScore", minimum, out var score, out var error))
            {
                return IpSwampResults.Error(StatusCodes.Status400BadRequest, error);
            }

            query = query with { ScoreMinimum = score };
        }

        if (q["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!BlocklistParameters.TryParseLimit("limit", limitText, out var limit, out var error))
            {
                return IpSwampResults.Error(StatusCodes.Status400BadRequest, error);
            }

            query = query with { Limit = limit };
        }

        var format = q["format"].ToString().ToLowerInvariant();
        if (format is not ("" or "json" or "csv"))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "format must be json or csv");
        }

        var selection = await engine.SelectAsync(query, http.RequestAborted);
        var decision = await access.ChargeUpToAsync(selection.Count, quotas, clock);
        if (selection.Count > 0 && decision.Granted == 0)
        {
            return IpSwampResults.Error(StatusCodes.Status403Forbidden, IpSwampResults.UsageExceeded);
        }

        var served = selection.Take((int)Math.Min(decision.Granted, selection.Count));
        var csv = format == "csv";
        return new BlocklistResult(csv
            ? engine.Render(served, IpSwampExportCsvLayout.Instance)
            : engine.Render(served, IpSwampExportJsonLayout.Instance));
    }
}
