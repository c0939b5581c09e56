using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
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
    public const int DefaultMinimumScore = 75;
    private const int MaxRangeResults = 65_536;

    public static IEndpointRouteBuilder MapCrowdSecApi(this IEndpointRouteBuilder app)
    {
        var configured = app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<int?>("Palisade:CrowdSec:MinimumScore") ?? DefaultMinimumScore;
        if (configured is < 0 or > 100)
        {
            throw new InvalidOperationException($"Palisade:CrowdSec:MinimumScore must be 0 to 100 (got {configured}).");
        }

        var query = new BlocklistQuery { ScoreMinimum = configured };
        var cursors = new ConcurrentDictionary<long, string>();
        var decisions = new CrowdSecDecisions();
        app.MapGet("/v1/decisions/stream", (HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock)
                => Stream(http, engine, quotas, clock, query, cursors))
            .WithTags("CrowdSec").AddEndpointFilter(CrowdSecDialect.Instance.Access(QuotaFamily.Blacklist, Feature.Blacklist));
        app.MapGet("/v1/decisions", (HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock)
                => Decisions(http, engine, quotas, clock, query, decisions))
            .WithTags("CrowdSec").AddEndpointFilter(CrowdSecDialect.Instance.Access(QuotaFamily.Check, Feature.Blacklist));
        return app;
    }

    private static async Task<IResult> Stream(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock, BlocklistQuery query,
        ConcurrentDictionary<long, string> cursors)
    {
        var access = AccessContext.From(http);
        var startupText = http.Request.Query["startup"].ToString().ToLowerInvariant();
        if (startupText is not ("" or "true" or "false"))
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "startup must be true or false");
        }

        var keyId = access.Key.Key.Id;
        var now = clock.UtcNow;
        if (startupText == "true" || !cursors.TryGetValue(keyId, out var cursorText) || !BlocklistCursor.TryParse(cursorText, out var cursor, out _))
        {
            var selection = engine.Select(query);
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

            var all = new List<CrowdSecDecision>(served.Count);
            for (var i = 0; i < served.Count; i++)
            {
                all.Add(CrowdSecDecisions.ToDecision(served.Entry(i), now));
            }

            return StreamResult(all, []);
        }

        var changes = engine.Changes(query, cursor);
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

    private static async Task<IResult> Decisions(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock, BlocklistQuery query,
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

        IPNetwork network;
        if (ip.Length > 0)
        {
            if (!IpAddressParser.TryParse(ip, out var address, out var error))
            {
                return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "invalid ip: " + error);
            }

            network = new IPNetwork(address.Address, address.IsIPv6 ? 128 : 32);
        }
        else if (!IpAddressParser.TryParseNetwork(range, maskHostBits: true, out network, out var error))
        {
            return CrowdSecResults.Error(StatusCodes.Status400BadRequest, "invalid range: " + error);
        }

        var charged = await access.ChargeAsync(1, quotas, clock, QuotaFamily.Check);
        if (!charged.Allowed)
        {
            return QuotaExhausted(charged);
        }

        // Other scopes (username, country) and remediation types have no decisions here.
        if ((scope.Length > 0 && scope is not ("ip" or "range")) || (type.Length > 0 && !type.Equals("ban", StringComparison.OrdinalIgnoreCase)))
        {
            return NullResult();
        }

        var now = clock.UtcNow;
        var selection = engine.Select(query);
        var single = network.PrefixLength == (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        var found = new List<CrowdSecDecision>();
        if (single)
        {
            if (decisions.TryFind(selection, network.BaseAddress.ToString(), out var entry))
            {
                found.Add(CrowdSecDecisions.ToDecision(entry, now));
            }
        }
        else if (contains == "false")
        {
            // Decisions inside the range (all of ours are single addresses).
            foreach (var entry in selection)
            {
                if (IPAddress.TryParse(entry.Address, out var address) && network.Contains(address))
                {
                    found.Add(CrowdSecDecisions.ToDecision(entry, now));
                    if (found.Count >= MaxRangeResults)
                    {
                        break;
                    }
                }
            }
        }

        // contains=true on a wider range asks for decisions covering the whole range: no single-address decision does.
        return found.Count == 0 ? NullResult() : TypedResults.Json<IReadOnlyList<CrowdSecDecision>>(found, CrowdSecJsonContext.Default.IReadOnlyListCrowdSecDecision);
    }

    private static IResult QuotaExhausted(QuotaDecision decision)
        => CrowdSecResults.Error(StatusCodes.Status429TooManyRequests,
            $"daily quota of {decision.Limit} exhausted; it resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)})");

    private static JsonHttpResult<CrowdSecStream> StreamResult(List<CrowdSecDecision> added, List<CrowdSecDecision> deleted)
        => TypedResults.Json(new CrowdSecStream(added.Count == 0 ? null : added, deleted.Count == 0 ? null : deleted), CrowdSecJsonContext.Default.CrowdSecStream);

    /// <summary>LAPI answers "no decision" with the JSON literal null.</summary>
    private static ContentHttpResult NullResult() => TypedResults.Text("null", "application/json; charset=utf-8");
}
