using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Addresses;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.IpSwamp.Contracts;

namespace Palisade.Server.IpSwamp;

/// <summary>
/// The IPSwamp face under <c>/api/v1/</c>. Every call is one usage unit of the key's check quota except
/// <c>account</c> (free, as IPSwamp says) and bulk/subnet lookups, which count only the addresses found.
/// </summary>
public static class IpSwampApi
{
    public const int MaxBulkIps = 100;
    public const int MaliciousScore = 50;

    private const int MaxBulkBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapIpSwampApi(this IEndpointRouteBuilder app)
    {
        var dialect = IpSwampDialect.Instance;
        var api = app.MapGroup("/api/v1").WithTags("IPSwamp").ProducesFaceErrors(dialect).ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest);
        api.MapGet("/checkIP", CheckIp).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampCheckIp").WithSummary("IPSwamp checkIP: an address's threat score, level and details (ip).")
            .Produces<IpSwampCheckResponse>();
        api.MapPost("/checkIP/bulk", CheckBulk).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.BulkCheck))
            .DescribesBody<IpSwampBulkRequest>().WithName("IpSwampCheckBulk").WithSummary("IPSwamp bulk check: up to 100 addresses.")
            .Produces<IpSwampBulkResponse>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/checkSubnet", CheckSubnet).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampCheckSubnet").WithSummary("IPSwamp checkSubnet: the reported addresses of a network (subnet).")
            .Produces<IpSwampSubnetResponse>();
        api.MapGet("/test-key", TestKey).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampTestKey").WithSummary("IPSwamp test-key: the key is valid; its organisation and usage.")
            .Produces<IpSwampTestKeyResponse>();
        api.MapGet("/account", Account).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampAccount").WithSummary("IPSwamp account: the key's usage and quota.")
            .Produces<IpSwampAccountResponse>();
        IpSwampExport.Map(api);
        return app;
    }

    public static async Task<IResult> CheckIp(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var text = http.Request.Query["ip"].ToString().Trim();
        // IPSwamp counts 4xx answers too (all but 404), so a refused request is charged like an answered one.
        if (await ChargeAsync(access, 1, quotas, clock) is { } refused)
        {
            return refused;
        }

        if (text.Length == 0)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "IP address is required");
        }

        if (!IpAddressParser.TryParse(text, out var address, out var error))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Invalid IP address: " + error);
        }

        var result = index.Check(address, CheckQuery.Default);
        var info = IpInfo(address, Geo(http, address.Address));
        if (result.Whitelisted is { } listed)
        {
            return TypedResults.Json(new IpSwampCheckResponse("IP is whitelisted", listed.Name,
                new IpSwampDetails(result.Score, address.Text, LastAttack(result), null, result.TotalSessions), info), IpSwampJsonContext.Api.IpSwampCheckResponse);
        }

        var message = result.Found ? "IP found!" : "IP not found";
        return TypedResults.Json(new IpSwampCheckResponse(message, null,
            new IpSwampDetails(result.Score, address.Text, LastAttack(result), Reputation(result.Score), result.TotalSessions), info),
            IpSwampJsonContext.Api.IpSwampCheckResponse);
    }

    public static async Task<IResult> CheckBulk(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxBulkBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return IpSwampResults.Error(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {MaxBulkBodyBytes / 1024} KB");
        }

        List<string?> ips;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("ips", out var list) ||
                list.ValueKind != JsonValueKind.Array)
            {
                return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Invalid request body: expected {\"ips\": [\"1.2.3.4\", …]}");
            }

            ips = [.. list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())];
        }
        catch (JsonException)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Invalid request body: expected {\"ips\": [\"1.2.3.4\", …]}");
        }

        if (ips.Count == 0)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "At least one IP address is required");
        }

        if (ips.Count > MaxBulkIps)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, $"Maximum {MaxBulkIps} IPs per request");
        }

        var items = new List<IpSwampBulkItem>();
        var found = 0;
        foreach (var ip in ips)
        {
            if (!IpAddressParser.TryParse(ip?.Trim(), out var address, out var error))
            {
                items.Add(new IpSwampBulkItem(ip ?? "", null, "Invalid IP address: " + error));
                continue;
            }

            var result = index.Check(address, CheckQuery.Default);
            found += result.Found ? 1 : 0;
            items.Add(new IpSwampBulkItem(address.Text, Threat(result), null));
        }

        // Only addresses found in the data count toward usage.
        if (found > 0 && await ChargeAsync(access, found, quotas, clock) is { } refused)
        {
            return refused;
        }

        var failed = items.Count(i => i.Error is not null);
        return TypedResults.Json(new IpSwampBulkResponse(items, items.Count, items.Count - failed, failed), IpSwampJsonContext.Api.IpSwampBulkResponse);
    }

    public static async Task<IResult> CheckSubnet(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var text = http.Request.Query["cidr"].ToString().Trim();
        if (text.Length == 0)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "CIDR is required (e.g. 192.0.2.0/24)");
        }

        if (!IpAddressParser.TryParseNetwork(text, maskHostBits: true, out var network, out var error))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Invalid CIDR: " + error);
        }

        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (bits - network.PrefixLength > 8)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, $"Maximum subnet size is /24 (256 addresses; /{bits - 8} for IPv6)");
        }

        var size = 1 << (bits - network.PrefixLength);
        var found = new List<(UInt128 Order, IpSwampThreat Threat)>();
        foreach (var entry in index.InRange(network))
        {
            if (IpAddressParser.TryParse(entry.Address, out var address, out _) && index.Check(address, CheckQuery.Default) is { Found: true } result)
            {
                found.Add((AddressRange.ToInteger(address.Address), Threat(result)));
            }
        }

        // In address order, as IPSwamp lists a block.
        found.Sort((a, b) => a.Order.CompareTo(b.Order));
        var results = found.ConvertAll(f => f.Threat);
        if (results.Count > 0 && await ChargeAsync(access, results.Count, quotas, clock) is { } refused)
        {
            return refused;
        }

        var last = AddressRange.Of(network).At((UInt128)(size - 1));
        var malicious = results.Count(r => r.Score >= MaliciousScore);
        var summary = new IpSwampSubnetSummary(size, malicious, size - malicious,
            results.Count == 0 ? 0 : Math.Round(results.Average(r => r.Score), 2), results.Count);
        return TypedResults.Json(new IpSwampSubnetResponse(network.ToString(), network.BaseAddress.ToString(), last.ToString(), size, results, summary),
            IpSwampJsonContext.Api.IpSwampSubnetResponse);
    }

    public static async Task<IResult> TestKey(HttpContext http, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        if (await ChargeAsync(access, 1, quotas, clock) is { } refused)
        {
            return refused;
        }

        return TypedResults.Json(new IpSwampTestKeyResponse(true, "API key validation successful! -1 Request", WireTime.Rfc3339(clock.UtcNow),
            OrganizationId(access.Key), KeyInfo(access.Key, access.Decision!.Value)), IpSwampJsonContext.Api.IpSwampTestKeyResponse);
    }

    public static async Task<IResult> Account(HttpContext http, IQuotaCounter quotas, IClock clock)
    {
        var key = AccessContext.From(http).Key;
        var usage = await quotas.PeekAsync(key.Key.Id, QuotaFamily.Check, key.LimitFor(QuotaFamily.Check), clock.UtcNow);
        var quota = new IpSwampOrganizationQuota(usage.Used, usage.Limit, usage.Used, usage.Limit, usage.Limit, usage.Remaining, "key_tier", usage.Limit is null);
        return TypedResults.Json(new IpSwampAccountResponse(false, 0, OrganizationId(key), KeyInfo(key, usage), quota), IpSwampJsonContext.Api.IpSwampAccountResponse);
    }

    private static async Task<IResult?> ChargeAsync(AccessContext access, long units, IQuotaCounter quotas, IClock clock)
    {
        var decision = await access.ChargeAsync(units, quotas, clock, QuotaFamily.Check);
        return decision.Allowed ? null : IpSwampResults.Error(StatusCodes.Status403Forbidden, IpSwampResults.UsageExceeded);
    }

    private static IpSwampKeyInfo KeyInfo(AuthenticatedKey key, QuotaDecision usage)
        => new(key.Key.Prefix, key.Key.Name, usage.Used, usage.Limit, WireTime.Rfc3339(key.Key.CreatedAt));

    /// <summary>A Palisade key is its own organization.</summary>
    private static string OrganizationId(AuthenticatedKey key) => "key-" + key.Key.Id.ToString(CultureInfo.InvariantCulture);

    private static IpSwampThreat Threat(CheckResult result)
        => new(result.Address.Text, result.Score, Level(result.Score), LastAttack(result), Reputation(result.Score), result.TotalSessions, result.Score);

    private static string LastAttack(CheckResult result) => result.LastSeen is { } last ? WireTime.Rfc3339(last) : "";

    /// <summary>IPSwamp's reputation classes: "known attacker", "suspicious", "clean".</summary>
    private static string Reputation(int score) => score switch
    {
        >= 75 => "known attacker",
        >= 25 => "suspicious",
        _ => "clean",
    };

    internal static string Level(int score) => score switch
    {
        >= 75 => "CRITICAL",
        >= 50 => "HIGH",
        >= 25 => "MEDIUM",
        _ => "LOW",
    };

    private static IpSwampIpInfo IpInfo(NormalizedAddress address, GeoInfo? geo)
        => new(address.Text, geo?.AsnLabel, geo?.AsName, geo?.AsDomain, geo?.CountryCode, geo?.CountryName, geo?.ContinentCode, geo?.ContinentName);

    private static GeoInfo? Geo(HttpContext http, IPAddress address) => http.RequestServices.GetService<IGeoLookup>()?.Lookup(address);
}
