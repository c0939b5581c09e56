using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Addresses;
using Palisade.Core.Alerts;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>The native face: SikkerAPI's <c>/v1/key/…</c> endpoints, shaped as SikkerAPI's own client parses them.</summary>
public static class NativeApi
{
    private const int MaxReportBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapNativeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/key").WithTags("Native").ProducesFaceErrors(NativeDialect.Instance);
        // The check is the hottest endpoint: it takes the access filter's steps itself (no endpoint filter pipeline) and its
        // singletons from the application's services, so a check creates no per-request service scope.
        var checks = new CheckServices(app.ServiceProvider, NativeDialect.Instance.Access(QuotaFamily.Check, Feature.Check, app.ServiceProvider));
        api.MapGet("/check/{ip}", (string ip, HttpContext http) => checks.CheckAsync(ip, http))
            .WithName("NativeCheck").WithSummary("Reputation of one address: score, categories, behaviours, geolocation (verbose, maxAge, protocols, exclude, ignoreWhitelist).")
            .Produces<NativeCheckResponse>().ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest);
        api.MapPost("/report", Report).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Report, Feature.Report))
            .DescribesBody<NativeReportRequest>().WithName("NativeReport").WithSummary("Report one address; a repeat within the duplicate window answers status \"duplicate\".")
            .Produces<NativeReportResponse>().Produces<NativeReportResponse>(StatusCodes.Status400BadRequest)
            .Produces<NativeReportResponse>(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/status", Status).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Check, Feature.Check))
            .WithName("NativeStatus").WithSummary("The key: its tier, today's quotas per family, alert counts and sensors.")
            .Produces<NativeStatusResponse>();
        api.MapGet("/username/{username}", Username).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Check, Feature.Check))
            .WithName("NativeUsername").WithSummary("Where a username has been tried: sessions per protocol, first and last seen.")
            .Produces<NativeUsernameResponse>().ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapGet("/email/{email}", Email).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Check, Feature.Check))
            .WithName("NativeEmail").WithSummary("How many retained reports named an e-mail address, and when (first and last, epoch ms).")
            .Produces<NativeEmailResponse>().ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The check's access filter, run inline, and its singletons, resolved from the application's services on first use.</summary>
    private sealed class CheckServices(IServiceProvider services, FaceAccessFilter access)
    {
        // A reference, so a request racing the first resolution sees all five or resolves them itself (same singletons).
        private Resolved? _resolved;

        public Task CheckAsync(string ip, HttpContext http)
        {
            var admitted = access.AdmitAsync(http);
            if (!admitted.IsCompletedSuccessfully)
            {
                return CheckAdmittedLaterAsync(ip, http, admitted);
            }

            var admission = admitted.Result;
            return admission.Refusal is { } refused ? refused.ExecuteAsync(http) : CheckAdmittedAsync(ip, http, admission.Access!);
        }

        private async Task CheckAdmittedLaterAsync(string ip, HttpContext http, ValueTask<FaceAdmission> admitted)
        {
            var admission = await admitted;
            if (admission.Refusal is { } refused)
            {
                await refused.ExecuteAsync(http);
                return;
            }

            await CheckAdmittedAsync(ip, http, admission.Access!);
        }

        // What the access filter's pipeline did around the handler: the quota headers on whatever answer it gives,
        // including the error handler's when it throws. A body the check writes itself carries them already.
        private async Task CheckAdmittedAsync(string ip, HttpContext http, AccessContext access)
        {
            var s = _resolved ??= new Resolved(services.GetRequiredService<ReputationIndex>(), services.GetRequiredService<ReportHistory>(),
                services.GetRequiredService<IQuotaCounter>(), services.GetRequiredService<IClock>(), services.GetRequiredService<IGeoLookup>());
            IResult? result;
            try
            {
                result = await Check(ip, http, access, s.Index, s.History, s.Quotas, s.Clock, s.Geo);
            }
            catch
            {
                if (!http.Response.HasStarted)
                {
                    FaceAccessFilter.WriteQuotaHeadersOnStart(http);
                }

                throw;
            }

            if (result is not null)
            {
                FaceAccessFilter.WriteQuotaHeadersOnStart(http);
                await result.ExecuteAsync(http);
            }
        }

        private sealed record Resolved(ReputationIndex Index, ReportHistory History, IQuotaCounter Quotas, IClock Clock, IGeoLookup Geo);
    }

    /// <summary>
    /// The check, once the request is admitted (<see cref="FaceAccessFilter.AdmitAsync"/>): null when it wrote the answer
    /// itself, quota headers first; otherwise the answer to execute (an error, or a trimmed answer for <c>exclude</c>).
    /// </summary>
    public static async ValueTask<IResult?> Check(string ip, HttpContext http, AccessContext access, ReputationIndex index, ReportHistory history,
        IQuotaCounter quotas, IClock clock, IGeoLookup geo)
    {
        if (!IpAddressParser.TryParse(ip, out var address, out var error))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        // Without a query string every option has its default; the query collection is not built.
        var checkQuery = CheckQuery.Default;
        var verbose = true;
        IReadOnlyList<string> exclude = [];
        if (http.Request.QueryString.HasValue && !TryParseCheckQuery(http.Request.Query, out checkQuery, out verbose, out exclude, out error))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        var decision = await access.ChargeAsync(1, quotas, clock);
        if (!decision.Allowed)
        {
            return NativeResults.Error(StatusCodes.Status429TooManyRequests, QuotaMessage("lookup", decision));
        }

        // A default check (no query string) of an address whose answer was served before and still holds: its bytes, found
        // by the address alone (ReputationIndex.FindServed; the geolocation in them cannot change, the geo data is read once
        // per process). Otherwise the ticket keeps the answer made below for the next.
        var ticket = default(ServedAnswers.Ticket);
        if (!http.Request.QueryString.HasValue && index.FindServed(address, out ticket) is byte[] served)
        {
            WriteHead(http, access, decision, served.Length);
            await http.Response.BodyWriter.WriteAsync(served, http.RequestAborted);
            return null;
        }

        // Null when nothing is known about the address (no result object is made for it).
        var known = index.CheckKnown(address, checkQuery);
        var geoInfo = address.IsPublic ? geo.Lookup(address.Address) : null;
        var prefix = address.IsPublic ? index.Prefix64(address.Text) : null;
        if (exclude.Count > 0)
        {
            return await TrimmedAnswerAsync(known ?? ReputationIndex.NothingKnown(address), checkQuery, verbose, exclude, geoInfo, prefix, history,
                http.RequestAborted);
        }

        // The index hands out one result object per address until its evidence, score or whitelist changes; the default
        // answer for it is serialized once and reused (see NativeMapper.ToCheckJson); only a new one reads the reports it
        // shows from the store. An answer is kept only for an address found, so one kept comes before the blank test (which
        // reads more of the result). The rarer paths are methods of their own: this one's frame, set up on every check,
        // stays small.
        var reusable = verbose && !checkQuery.IsFiltered && !checkQuery.IgnoreWhitelist && prefix is null;
        if (known is null || !NativeMapper.TryReuseCheckJson(known, geoInfo, reusable, out var json))
        {
            if (known is null ? NativeMapper.IsBlank(address, geoInfo, prefix) : NativeMapper.IsBlank(known, geoInfo, prefix))
            {
                await WriteBlank(http, access, decision, address);
                return null;
            }

            var result = known ?? ReputationIndex.NothingKnown(address);
            json = await FreshJsonAsync(result, checkQuery, verbose, geoInfo, reusable && result.Found, prefix, history, http.RequestAborted);
        }

        // Served again from the index only when kept with the result too (what the reuse above trusts: the default answer
        // of a found address, its reports read).
        if (ticket.IsValid && NativeMapper.IsKept(known, json))
        {
            index.KeepServed(ticket, known, json);
        }

        WriteHead(http, access, decision, json.Length);
        await http.Response.BodyWriter.WriteAsync(json, http.RequestAborted);
        return null;
    }

    // Nothing known about the address: the serializer's bytes around it, written straight into the response's buffer and
    // sent in one write (one pass through the server's output, as the cached answers).
    private static ValueTask<System.IO.Pipelines.FlushResult> WriteBlank(HttpContext http, AccessContext access, QuotaDecision decision,
        NormalizedAddress address)
    {
        var length = NativeMapper.BlankLength(address);
        WriteHead(http, access, decision, length);
        var body = http.Response.BodyWriter;
        NativeMapper.WriteBlank(address, body.GetSpan(length));
        body.Advance(length);
        return body.FlushAsync(http.RequestAborted);
    }

    // An answer not serialized before: the reports a verbose one shows, read from the store, and the answer kept with the
    // result when it can be served again.
    private static async ValueTask<byte[]> FreshJsonAsync(CheckResult result, CheckQuery checkQuery, bool verbose, GeoInfo? geo, bool reusable,
        PrefixReputation? prefix, ReportHistory history, CancellationToken cancellationToken)
    {
        var shown = verbose ? await history.RecentAsync(result, checkQuery, cancellationToken) : [];
        return NativeMapper.ToCheckJson(result, shown ?? [], verbose, geo, reusable && shown is not null, prefix);
    }

    // `exclude`: the answer without the fields named (never ip, found or confidenceLevel), through a JSON tree.
    private static async ValueTask<IResult?> TrimmedAnswerAsync(CheckResult result, CheckQuery checkQuery, bool verbose, IReadOnlyList<string> exclude,
        GeoInfo? geo, PrefixReputation? prefix, ReportHistory history, CancellationToken cancellationToken)
    {
        var reports = verbose ? await history.RecentAsync(result, checkQuery, cancellationToken) : [];
        var response = NativeMapper.ToCheckResponse(result, reports ?? [], verbose, geo, prefix);
        var node = JsonSerializer.SerializeToNode(response, NativeJsonContext.Api.NativeCheckResponse)!.AsObject();
        foreach (var field in exclude)
        {
            var match = node.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase));
            if (match is not null && match is not "ip" and not "found" and not "confidenceLevel")
            {
                node.Remove(match);
            }
        }

        return TypedResults.Text(node.ToJsonString(), "application/json; charset=utf-8");
    }

    // The head of a 200 the check writes itself: its quota headers (as the access filter writes them), type and length.
    private static void WriteHead(HttpContext http, AccessContext access, QuotaDecision decision, int length)
    {
        FaceAccessFilter.WriteQuotaHeaders(http, access, decision);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = length;
    }

    public static async Task<IResult> Report(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxReportBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return NativeResults.ReportError(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {MaxReportBodyBytes / 1024} KB; a report is one small JSON object (use bulk-report for many).");
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return NativeResults.ReportError(StatusCodes.Status400BadRequest, "Request body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return NativeResults.ReportError(StatusCodes.Status400BadRequest, "Request body is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var reporterAddress = http.Connection.RemoteIpAddress?.ToString();
            if (!NativeReportParser.TryParse(document.RootElement, reporterAddress, out var submission, out _, out var error))
            {
                return NativeResults.ReportError(StatusCodes.Status400BadRequest, error!);
            }

            var batch = await reports.SubmitAsync(access.Key, [submission!], http.RequestAborted);
            access.Decision = batch.Quota;
            var result = batch.Results[0];
            switch (result.Outcome)
            {
                case ReportOutcomeKind.Rejected:
                    return NativeResults.ReportError(StatusCodes.Status400BadRequest, result.Error!);
                case ReportOutcomeKind.QuotaExceeded:
                    return NativeResults.ReportError(StatusCodes.Status429TooManyRequests, QuotaMessage("report", batch.Quota));
                case ReportOutcomeKind.Duplicate:
                    http.Response.Headers["X-Duplicate-Window"] = ((int)ReportLimits.DuplicateWindow.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    return TypedResults.Json(new NativeReportResponse(true)
                    {
                        Status = "duplicate",
                        Id = result.Report!.Id,
                        Ip = result.Address,
                        ConfidenceLevel = result.Score,
                        CountedAt = WireTime.Rfc3339(result.Report.ReceivedAt),
                        DuplicateWindowSeconds = (int)ReportLimits.DuplicateWindow.TotalSeconds,
                    }, NativeJsonContext.Api.NativeReportResponse);
                default:
                    return TypedResults.Json(new NativeReportResponse(true)
                    {
                        Status = "accepted",
                        Id = result.Report!.Id,
                        Ip = result.Address,
                        ConfidenceLevel = result.Score,
                    }, NativeJsonContext.Api.NativeReportResponse);
            }
        }
    }

    public static async Task<IResult> Status(HttpContext http, IQuotaCounter quotas, IClock clock, IAlertStore alerts, Sensors.SensorRegistry sensors)
    {
        var key = AccessContext.From(http).Key;
        var now = clock.UtcNow;
        async Task<NativeQuotaState> State(QuotaFamily family)
        {
            var peek = await quotas.PeekAsync(key.Key.Id, family, key.LimitFor(family), now);
            return new NativeQuotaState(peek.Used, peek.Limit, peek.Remaining);
        }

        var alertCounts = await alerts.CountByKindAsync(key.Key.Id, http.RequestAborted);
        var alertLimits = AlertLimits.For(key.Tier.Id);
        NativeAlertCount Count(AlertTargetKind kind) => new(alertCounts.GetValueOrDefault(kind), alertLimits.LimitFor(kind));
        return TypedResults.Json(new NativeStatusResponse(
            new NativeTierInfo(key.Tier.Id, key.Tier.DisplayName),
            new NativeQuotas(await State(QuotaFamily.Check), await State(QuotaFamily.Report), await State(QuotaFamily.Blacklist), await State(QuotaFamily.Taxii)),
            new NativeAlertCounts(Count(AlertTargetKind.Ip), Count(AlertTargetKind.Range), Count(AlertTargetKind.Username), Count(AlertTargetKind.Email)),
            key.Key.Name,
            WireTime.Rfc3339(QuotaDay.NextReset(now)), Sensors.SensorApi.StatusOf(sensors, key.Key.Id)), NativeJsonContext.Api.NativeStatusResponse);
    }

    public static async Task<IResult> Username(string username, HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        if (username.Length is 0 or > ReportLimits.MaxUsernameLength)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, $"A username is 1 to {ReportLimits.MaxUsernameLength} characters.");
        }

        var decision = await access.ChargeAsync(1, quotas, clock);
        if (!decision.Allowed)
        {
            return NativeResults.Error(StatusCodes.Status429TooManyRequests, QuotaMessage("lookup", decision));
        }

        var activity = index.FindUsername(username);
        if (activity is null)
        {
            return NativeResults.Error(StatusCodes.Status404NotFound, "This username has not been seen in any retained report.");
        }

        var counts = JsonSerializer.Serialize(new Dictionary<string, long>(activity.ProtocolCounts), NativeJsonContext.Api.DictionaryStringInt64);
        return TypedResults.Json(new NativeUsernameResponse(activity.Username, activity.TotalSessions, counts,
            activity.FirstSeen.ToUnixTimeMilliseconds(), activity.LastSeen.ToUnixTimeMilliseconds()), NativeJsonContext.Api.NativeUsernameResponse);
    }

    /// <summary><c>GET /v1/key/email/{email}</c>: e-mail intelligence from reports' structured <c>email</c> field, looked up
    /// normalised (trimmed, lower-case). Charged as a lookup, like a username; 404 when no retained report names it.</summary>
    public static async Task<IResult> Email(string email, HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        if (!AlertTargets.TryNormalizeEmail(email.Trim(), out var normalized))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest,
                $"Not an e-mail address: give one such as name@example.org, at most {AlertTargets.MaxEmailLength} characters.");
        }

        var decision = await access.ChargeAsync(1, quotas, clock);
        if (!decision.Allowed)
        {
            return NativeResults.Error(StatusCodes.Status429TooManyRequests, QuotaMessage("lookup", decision));
        }

        var activity = index.FindEmail(normalized);
        if (activity is null)
        {
            return NativeResults.Error(StatusCodes.Status404NotFound, "This e-mail address has not been seen in any retained report.");
        }

        return TypedResults.Json(new NativeEmailResponse(activity.Email, activity.TotalMessages, activity.FirstSeen.ToUnixTimeMilliseconds(),
            activity.LastSeen.ToUnixTimeMilliseconds()), NativeJsonContext.Api.NativeEmailResponse);
    }

    private static bool TryParseCheckQuery(IQueryCollection query, out CheckQuery checkQuery, out bool verbose, out IReadOnlyList<string> exclude, out string? error)
    {
        checkQuery = CheckQuery.Default;
        verbose = true;
        exclude = [];
        error = null;
        TimeSpan? maxAge = null;
        if (query.TryGetValue("maxAge", out var maxAgeText) && !string.IsNullOrEmpty(maxAgeText))
        {
            if (!long.TryParse(maxAgeText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 10L * 365 * 86400)
            {
                error = "maxAge must be a whole number of seconds.";
                return false;
            }

            maxAge = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
        }

        if (!TryBool(query, "verbose", true, out verbose, out error) || !TryBool(query, "ignoreWhitelist", false, out var ignoreWhitelist, out error))
        {
            return false;
        }

        HashSet<string>? protocols = null;
        if (query.TryGetValue("protocols", out var protocolText) && !string.IsNullOrEmpty(protocolText))
        {
            protocols = new HashSet<string>(Split(protocolText!).Select(p => p.ToLowerInvariant()), StringComparer.Ordinal);
        }

        if (query.TryGetValue("exclude", out var excludeText) && !string.IsNullOrEmpty(excludeText))
        {
            exclude = Split(excludeText!);
        }

        checkQuery = new CheckQuery(maxAge, protocols, ignoreWhitelist);
        return true;
    }

    private static bool TryBool(IQueryCollection query, string name, bool fallback, out bool value, out string? error)
    {
        value = fallback;
        error = null;
        if (!query.TryGetValue(name, out var text) || string.IsNullOrEmpty(text))
        {
            return true;
        }

        switch (text.ToString().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no":
                value = false;
                return true;
            default:
                error = $"{name} must be true or false.";
                return false;
        }
    }

    private static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The native 429 message: which daily quota ran out and when it resets.</summary>
    internal static string QuotaMessage(string unit, QuotaDecision decision)
        => $"Daily {unit} quota of {decision.Limit} exhausted; it resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)}).";
}
