using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Addresses;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>
/// CrowdSec's LAPI, bouncer side: <c>GET /v1/decisions</c> (query mode, nginx bouncer live mode) and
/// <c>GET /v1/decisions/stream</c> (firewall bouncer). Decisions are the blocklist at a configurable score threshold
/// (<c>Palisade:CrowdSec:MinimumScore</c>, default 75), one <c>ban</c> per address, duration until the entry expires.
/// Each key is one bouncer: the server remembers where its last stream pull ended and answers the next one with what
/// joined (<c>new</c>) and left (<c>deleted</c>) the list since.
/// </summary>
public static class CrowdSecApi
{
    private const int MaxRangeResults = 65_536;

    public static IEndpointRouteBuilder MapCrowdSecApi(this IEndpointRouteBuilder app)
    {
        var dialect = CrowdSecDialect.Instance;
        var api = app.MapGroup("/v1").WithTags("CrowdSec").ProducesFaceErrors(dialect).ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest);
        api.MapGet("/decisions/stream", Stream).AddEndpointFilter(dialect.Access(QuotaFamily.Blacklist, Feature.Blacklist))
            .WithName("CrowdSecDecisionsStream").WithSummary("CrowdSec LAPI stream (firewall bouncer): the whole decision list on startup, then what was added and deleted since the key's last pull.")
            .Produces<CrowdSecStream>();
        api.MapGet("/decisions", Decisions).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Blacklist))
            .WithName("CrowdSecDecisions").WithSummary("CrowdSec LAPI query (live bouncers): the decisions for an address (ip) or a range; null when there are none.")
            .Produces<IReadOnlyList<CrowdSecDecision>>();
        // The real LAPI registers HEAD on both; the bouncer libraries probe it to check the key (200, or 403 from the filter).
        api.MapMethods("/decisions/stream", [HttpMethods.Head], Probe).AddEndpointFilter(dialect.Access(QuotaFamily.Blacklist, Feature.Blacklist))
            .WithName("CrowdSecDecisionsStreamProbe").WithSummary("CrowdSec key probe: 200 when the key is good; nothing is selected or charged.");
        api.MapMethods("/decisions", [HttpMethods.Head], Probe).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Blacklist))
            .WithName("CrowdSecDecisionsProbe").WithSummary("CrowdSec key probe: 200 when the key is good; nothing is selected or charged.");
        return app;
    }

    /// <summary>HEAD: the key is good (the access filter refused a bad one with 403); nothing is selected or charged.</summary>
    public static Ok Probe() => TypedResults.Ok();

    private static async Task<IResult> Stream(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock, CrowdSecDecisions decisions)
    {
        var cursors = decisions.Cursors;
        var access = AccessContext.From(http);
        var startupText = http.Request.Query["startup"].ToString().ToLowerInvariant();
        if (startupText is not ("" or "true" or "false"))
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "startup must be true or false");
        }

        // The startup answer is gzipped for clients that accept it: a cache between bouncer and server must key on that.
        http.Response.Headers.Vary = "Accept-Encoding";
        var keyId = access.Key.Key.Id;
        var now = clock.UtcNow;
        if (startupText == "true" || !cursors.TryGetValue(keyId, out var cursorText) || !BlocklistCursor.TryParse(cursorText, out var cursor, out _))
        {
            var selection = await decisions.CurrentAsync(engine, http.RequestAborted);
            var decision = await access.ChargeUpToAsync(selection.Count, quotas, clock);
            if (selection.Count > 0 && decision.Granted == 0)
            {
                return QuotaExhausted(decision);
            }

            var served = selection.Take((int)Math.Min(decision.Granted, selection.Count));
            if (served.Count == selection.Count)
            {
                cursors[keyId] = selection.Cursor;
            }
            else
            {
                // A list cut at the quota is not the list: the next pull starts over.
                cursors.TryRemove(keyId, out _);
            }

            // Rendered and cached in pieces like the blocklists, gzipped for clients that accept it (Go's HTTP client does).
            return served.Count == 0
                ? StreamResult([], [])
                : new BlocklistResult(engine.Render(served, CrowdSecStreamLayout.Instance, BlocklistResult.AcceptsGzip(http.Request)));
        }

        var changes = await engine.ChangesAsync(decisions.Query, cursor, http.RequestAborted);
        var charged = await access.ChargeUpToAsync(changes.Added.Count, quotas, clock);
        if (changes.Added.Count > 0 && charged.Granted == 0)
        {
            return QuotaExhausted(charged);
        }

        var granted = (int)Math.Min(charged.Granted, changes.Added.Count);
        if (granted == changes.Added.Count)
        {
            cursors[keyId] = changes.NextCursor;
        }

        var added = changes.Added.Take(granted).Select(e => CrowdSecDecisions.ToDecision(e, now)).ToList();
        // After a reset (cursor from an earlier process) the whole list is sent again; nothing can be named as deleted.
        var deleted = changes.Reset ? [] : changes.Removed.Select(CrowdSecDecisions.Deleted).ToList();
        return StreamResult(added, deleted);
    }

    private static async Task<IResult> Decisions(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock,
        CrowdSecDecisions decisions)
    {
        var access = AccessContext.From(http);
        var parameters = http.Request.Query;
        var type = parameters["type"].ToString();
        var scope = parameters["scope"].ToString().ToLowerInvariant();
        var ip = parameters["ip"].ToString();
        var range = parameters["range"].ToString();
        var value = parameters["value"].ToString();
        if (scope == "ip" && ip.Length == 0)
        {
            ip = value;
        }
        else if (scope == "range" && range.Length == 0)
        {
            range = value;
        }

        if (ip.Length == 0 && range.Length == 0)
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "give ip=, range= or scope=ip|range with value=");
        }

        var contains = parameters["contains"].ToString().ToLowerInvariant();
        if (contains is not ("" or "true" or "false"))
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "contains must be true or false");
        }

        string? address = null;
        IPNetwork network = default;
        if (ip.Length > 0)
        {
            if (!IpAddressParser.TryParse(ip, out var parsed, out var error))
            {
                return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "invalid ip: " + error);
            }

            address = parsed.Text;
        }
        else if (!IpAddressParser.TryParseNetwork(range, maskHostBits: true, out network, out var error))
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "invalid range: " + error);
        }
        else if (network.PrefixLength == (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
        {
            // A one-address range is a lookup of that address.
            address = IpAddressParser.TryParse(network.BaseAddress.ToString(), out var single, out _) ? single.Text : network.BaseAddress.ToString();
        }

        // Other scopes (username, country) and remediation types have no decisions here.
        var none = (scope.Length > 0 && scope is not ("ip" or "range")) || (type.Length > 0 && !type.Equals("ban", StringComparison.OrdinalIgnoreCase));
        var now = clock.UtcNow;
        if (address is not null)
        {
            // The live path (nginx bouncer, one lookup per client request): one check unit, one dictionary probe.
            var checkCharge = await access.ChargeAsync(1, quotas, clock, QuotaFamily.Check);
            if (!checkCharge.Allowed)
            {
                return QuotaExhausted(checkCharge);
            }

            return !none && decisions.TryFind(engine, address, now, out var entry)
                ? TypedResults.Json<IReadOnlyList<CrowdSecDecision>>([CrowdSecDecisions.ToDecision(entry, now)], CrowdSecJsonContext.Api.IReadOnlyListCrowdSecDecision)
                : NullResult();
        }

        var v6 = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        // As AbuseIPDB's check-block: free keys up to a /24, others up to a /16; IPv6 up to a /48.
        var widest = v6 ? 48 : access.Key.Tier.Id.Equals("free", StringComparison.OrdinalIgnoreCase) ? 24 : 16;
        if (network.PrefixLength < widest)
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, $"range may be at most a /{widest} for this key's plan (got /{network.PrefixLength})");
        }

        var found = new List<BlocklistEntry>();
        if (!none && contains == "false")
        {
            // Decisions inside the range (all of ours are single addresses).
            foreach (var entry in await decisions.CurrentAsync(engine, http.RequestAborted))
            {
                if (network.Contains(entry.Key.ToIPAddress()))
                {
                    found.Add(entry);
                    if (found.Count >= MaxRangeResults)
                    {
                        break;
                    }
                }
            }
        }

        // A range answer is a piece of the list: charged to the blacklist family per decision returned, cut at what remains
        // (as the stream is). contains=true on a wider range asks for decisions covering the whole range: none does.
        var charged = await access.ChargeUpToAsync(found.Count, quotas, clock);
        if (found.Count > 0 && charged.Granted == 0)
        {
            return QuotaExhausted(charged);
        }

        var answer = new List<CrowdSecDecision>((int)Math.Min(charged.Granted, found.Count));
        for (var i = 0; i < answer.Capacity; i++)
        {
            answer.Add(CrowdSecDecisions.ToDecision(found[i], now));
        }

        return answer.Count == 0 ? NullResult() : TypedResults.Json<IReadOnlyList<CrowdSecDecision>>(answer, CrowdSecJsonContext.Api.IReadOnlyListCrowdSecDecision);
    }

    private static IResult QuotaExhausted(QuotaDecision decision)
        => CrowdSecResults.Error(StatusCodes.Status429TooManyRequests,
            $"daily quota of {decision.Limit} exhausted; it resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)})");

    private static JsonHttpResult<CrowdSecStream> StreamResult(List<CrowdSecDecision> added, List<CrowdSecDecision> deleted)
        => TypedResults.Json(new CrowdSecStream(added.Count == 0 ? null : added, deleted.Count == 0 ? null : deleted), CrowdSecJsonContext.Api.CrowdSecStream);

    /// <summary>LAPI answers "no decision" with the JSON literal null.</summary>
    private static ContentHttpResult NullResult() => TypedResults.Text("null", "application/json; charset=utf-8");
}
