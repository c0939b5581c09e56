using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.AbuseIpdb.Contracts;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// <c>GET /api/v2/blacklist</c> on the shared blocklist engine: <c>confidenceMinimum</c> (25–100, default 100),
/// <c>limit</c> (default 10,000), <c>plaintext</c> or <c>Accept: text/plain</c>, <c>onlyCountries</c>,
/// <c>exceptCountries</c>, <c>ipVersion</c>. Charged per address returned; a list longer than the remaining blacklist
/// quota is cut to it. Parameters may also come in a form, multipart or JSON body; <c>X-Generated-At</c> dates the list.
/// </summary>
internal static class AbuseIpdbBlacklist
{
    public const int DefaultLimit = 10_000;

    public static IEndpointRouteBuilder MapAbuseIpdbBlacklist(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/blacklist", Blacklist).WithTags("AbuseIPDB")
            .AddEndpointFilter(AbuseIpdbDialect.Instance.Access(QuotaFamily.Blacklist, Feature.Blacklist))
            .WithName("AbuseIpdbBlacklist").WithSummary("AbuseIPDB blacklist: addresses at or above confidenceMinimum (JSON, or plaintext=true as text).")
            .Produces<AbuseIpdbBlacklistResponse>().ProducesText("text/plain")
            .ProducesFaceErrors(AbuseIpdbDialect.Instance).ProducesFaceErrors(AbuseIpdbDialect.Instance, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<IResult> Blacklist(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var fields = await AbuseIpdbApi.ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        var q = fields.Values;
        var query = new BlocklistQuery { ScoreMinimum = 100, Limit = DefaultLimit };
        if (q["confidenceMinimum"].ToString() is { Length: > 0 } minimum)
        {
            if (!BlocklistParameters.TryParseScore("confidenceMinimum", minimum, out var score, out var error) || score < 25)
            {
                return AbuseIpdbResults.Invalid("confidenceMinimum", error ?? "The confidence minimum must be between 25 and 100.");
            }

            query = query with { ScoreMinimum = score };
        }

        if (q["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!BlocklistParameters.TryParseLimit("limit", limitText, out var limit, out var error))
            {
                return AbuseIpdbResults.Invalid("limit", error);
            }

            query = query with { Limit = limit };
        }

        foreach (var name in (ReadOnlySpan<string>)["onlyCountries", "exceptCountries"])
        {
            if (q[name].ToString() is { Length: > 0 } text)
            {
                if (!BlocklistParameters.TryParseCountries(name, text, out var countries, out var error))
                {
                    return AbuseIpdbResults.Invalid(name, error);
                }

                query = name == "onlyCountries" ? query with { OnlyCountries = countries } : query with { ExceptCountries = countries };
            }
        }

        if (q["ipVersion"].ToString() is { Length: > 0 } versionText)
        {
            if (!BlocklistParameters.TryParseIpVersion("ipVersion", versionText, out var version, out var error))
            {
                return AbuseIpdbResults.Invalid("ipVersion", error);
            }

            query = query with { IpVersion = version };
        }

        var plaintext = q.ContainsKey("plaintext") && q["plaintext"].ToString().ToLowerInvariant() is not ("false" or "0")
            || http.Request.Headers.Accept.ToString().Contains("text/plain", StringComparison.OrdinalIgnoreCase);
        var selection = await engine.SelectAsync(query, http.RequestAborted);
        var decision = await access.ChargeUpToAsync(selection.Count, quotas, clock);
        if (selection.Count > 0 && decision.Granted == 0)
        {
            return AbuseIpdbResults.RateLimited(decision.Limit);
        }

        var served = selection.Take((int)Math.Min(decision.Granted, selection.Count));
        // AbuseIPDB sends the list's time as a header on both forms (the plaintext body has no meta); clients use it to
        // date the list and to tell a list from an error.
        http.Response.Headers["X-Generated-At"] = AbuseIpdbMapper.Time(selection.GeneratedAt);
        return new BlocklistResult(plaintext
            ? engine.Render(served, BlocklistFormat.Plaintext)
            : engine.Render(served, AbuseIpdbBlacklistLayout.Instance));
    }
}
