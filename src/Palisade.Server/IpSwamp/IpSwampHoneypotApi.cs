using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Sensors;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.IpSwamp.Contracts;
using Palisade.Server.Sensors;

namespace Palisade.Server.IpSwamp;

/// <summary>
/// The calls of IPSwamp's open-source honeypot (<c>src/services/api-service.js</c>), all with <c>?api_key=</c>:
/// <c>GET /api/ping</c>, <c>POST /api/honeypot/heartbeat</c> <c>{honeypot_id}</c>,
/// <c>POST /api/honeypot/report-ip</c> <c>{ip_address, attack_type, description, evidence[], severity, category, source}</c>
/// and <c>GET /api/get?ip=</c>. Reports become native reports of the key (a honeypot-tier key makes them sensor
/// evidence); the attack type maps to a category by <see cref="IpSwampAttackTypes"/>.
/// </summary>
public static class IpSwampHoneypotApi
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapIpSwampHoneypotApi(this IEndpointRouteBuilder app)
    {
        var dialect = IpSwampDialect.Instance;
        var api = app.MapGroup("/api").WithTags("IPSwamp").ProducesFaceErrors(dialect).ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest);
        api.MapGet("/ping", Ping).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampPing").WithSummary("IPSwamp honeypot ping: the server answers and the key is good.")
            .Produces<IpSwampStatusResponse>();
        api.MapPost("/honeypot/heartbeat", Heartbeat).AddEndpointFilter(dialect.Access(QuotaFamily.Report, Feature.Report))
            .DescribesBody<IpSwampHoneypotHeartbeat>().WithName("IpSwampHoneypotHeartbeat").WithSummary("IPSwamp honeypot heartbeat: the honeypot is alive.")
            .Produces<IpSwampStatusResponse>();
        api.MapPost("/honeypot/report-ip", ReportIp).AddEndpointFilter(dialect.Access(QuotaFamily.Report, Feature.Report))
            .DescribesBody<IpSwampHoneypotReport>().WithName("IpSwampHoneypotReport").WithSummary("IPSwamp honeypot report: report an attacking address (ip_address, attack_type).")
            .Produces<IpSwampReportResponse>();
        api.MapGet("/get", Get).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("IpSwampGet").WithSummary("IPSwamp honeypot lookup: attacks seen from an address (ip).")
            .Produces<IpSwampGetResponse>();
        return app;
    }

    public static IResult Ping(IClock clock)
        => TypedResults.Json(new IpSwampStatusResponse("ok", "Palisade is running", WireTime.Rfc3339(clock.UtcNow)), SensorJsonContext.Default.IpSwampStatusResponse);

    public static async Task<IResult> Heartbeat(HttpContext http, SensorRegistry registry, IClock clock)
    {
        var access = AccessContext.From(http);
        using var json = await ReadJsonAsync(http);
        if (json is null)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Request body must be a JSON object of at most 64 KB");
        }

        if (!json.RootElement.TryGetProperty("honeypot_id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) ||
            id.ToString() is not { Length: > 0 and <= SensorApi.MaxNameLength } name || name.Any(char.IsControl))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Missing honeypot_id in request body");
        }

        if (!registry.Heartbeat(access.Key.Key.Id, name, "ipswamp", [], null, null, 0))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, $"This key already has {SensorRegistry.MaxSensorsPerKey} honeypots");
        }

        return TypedResults.Json(new IpSwampStatusResponse("ok", "Heartbeat received", WireTime.Rfc3339(clock.UtcNow)), SensorJsonContext.Default.IpSwampStatusResponse);
    }

    public static async Task<IResult> ReportIp(HttpContext http, ReportService reports, SensorRegistry registry)
    {
        var access = AccessContext.From(http);
        using var json = await ReadJsonAsync(http);
        if (json is null)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Request body must be a JSON object of at most 64 KB");
        }

        var root = json.RootElement;
        var ip = Text(root, "ip_address");
        var attackType = Text(root, "attack_type");
        if (string.IsNullOrWhiteSpace(ip) || string.IsNullOrWhiteSpace(attackType))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Missing required fields (ip_address, attack_type)");
        }

        if (attackType.Length > 64)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "attack_type is at most 64 characters");
        }

        var mapped = IpSwampAttackTypes.Map(attackType);
        var submission = new ReportSubmission(ip.Trim(), [mapped.Category], mapped.Protocol, Comment: Comment(attackType, root),
            ReporterAddress: http.Connection.RemoteIpAddress?.ToString());
        var batch = await reports.SubmitAsync(access.Key, [submission], http.RequestAborted);
        access.Decision = batch.Quota;
        var result = batch.Results[0];
        var category = CategoryCatalog.Get(mapped.Category).Name;
        switch (result.Outcome)
        {
            case ReportOutcomeKind.Rejected:
                return IpSwampResults.Error(StatusCodes.Status400BadRequest, result.Error ?? "Invalid report");
            case ReportOutcomeKind.QuotaExceeded:
                return IpSwampResults.Error(StatusCodes.Status403Forbidden, IpSwampResults.UsageExceeded);
            case ReportOutcomeKind.Duplicate:
                return TypedResults.Json(new IpSwampReportResponse("ok", "IP was already reported with this attack type in the last 15 minutes", result.Report?.Id,
                    result.Score, category), SensorJsonContext.Default.IpSwampReportResponse);
            default:
                registry.CountReport(access.Key.Key.Id, mapped.Protocol ?? "other");
                return TypedResults.Json(new IpSwampReportResponse("ok", "IP reported", result.Report?.Id, result.Score, category),
                    SensorJsonContext.Default.IpSwampReportResponse);
        }
    }

    public static async Task<IResult> Get(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var text = http.Request.Query["ip"].ToString().Trim();
        if (text.Length == 0)
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Missing IP parameter");
        }

        if (!IpAddressParser.TryParse(text, out var address, out var error))
        {
            return IpSwampResults.Error(StatusCodes.Status400BadRequest, "Invalid IP address: " + error);
        }

        access.Decision = await quotas.TryConsumeAsync(access.Key.Key.Id, QuotaFamily.Check, 1, access.Key.LimitFor(QuotaFamily.Check), clock.UtcNow);
        if (!access.Decision.Value.Allowed)
        {
            return IpSwampResults.Error(StatusCodes.Status403Forbidden, IpSwampResults.UsageExceeded);
        }

        var result = index.Check(address, CheckQuery.Default);
        return TypedResults.Json(new IpSwampGetResponse(address.Text, result.TotalSessions, result.LastSeen is { } last ? WireTime.Rfc3339(last) : null,
            [.. result.Categories.Select(c => c.Name)], result.Found && result.Score > 0, result.Score), SensorJsonContext.Default.IpSwampGetResponse);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext http)
    {
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return null;
        }

        try
        {
            var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                return json;
            }

            json.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The attack type, description and the first pieces of evidence, within the comment limit.</summary>
    private static string Comment(string attackType, JsonElement root)
    {
        var text = new StringBuilder("ipswamp honeypot: ").Append(attackType.Trim());
        if (Text(root, "description") is { Length: > 0 } description)
        {
            text.Append(": ").Append(description);
        }

        if (root.TryGetProperty("evidence", out var evidence) && evidence.ValueKind == JsonValueKind.Array)
        {
            var items = evidence.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Take(3).Select(e => e.GetString()).ToList();
            if (items.Count > 0)
            {
                text.Append(" (evidence: ").AppendJoin("; ", items).Append(')');
            }
        }

        var comment = SensorAggregator.Clean(text.ToString(), ReportLimits.MaxCommentLength)!;
        return comment;
    }
}
