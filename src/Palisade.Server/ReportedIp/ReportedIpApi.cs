using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// The ReportedIP face under <c>/wp-json/reportedip/v2/</c>: its envelope, its 58 category ids, its roles. Public
/// endpoints work without a key (100 requests a day per client address) and with one (the key's quota).
/// </summary>
public static class ReportedIpApi
{
    public const string Dialect = "reportedip";

    private const int MaxReportBodyBytes = 64 * 1024;
    private const int MaxBulkBodyBytes = 2 * 1024 * 1024;
    private const int MaxBulkItems = 1_000;
    private const int MaxSearchResults = 100;

    public static IEndpointRouteBuilder MapReportedIpApi(this IEndpointRouteBuilder app)
    {
        // A Redis-backed counter registered in DI (several nodes) takes over from the in-memory one.
        var publicQuota = app.ServiceProvider.GetService<IPublicQuotaCounter>() ?? new PublicQuotaCounter();
        var publicAccess = new ReportedIpPublicAccess(publicQuota);
        var statistics = new ReportedIpStatistics();
        var dialect = ReportedIpDialect.Instance;
        var api = app.MapGroup("/wp-json/reportedip/v2").WithTags("ReportedIP").ProducesFaceErrors(dialect)
            .ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest);
        api.MapGet("/check", Check).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, ReportedIpPermission.Check))
            .WithName("ReportedIpCheck").WithSummary("ReportedIP check: an address's confidence, categories and recent reports (ip).")
            .Produces<ReportedIpEnvelope<ReportedIpCheckData>>().Produces(StatusCodes.Status304NotModified);
        api.MapGet("/check-public", Check).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, ReportedIpPermission.Check, publicAccess))
            .WithName("ReportedIpCheckPublic").WithSummary("ReportedIP check without a key (limited per client address), or with one.")
            .Produces<ReportedIpEnvelope<ReportedIpCheckData>>().Produces(StatusCodes.Status304NotModified);
        api.MapGet("/search-public", Search).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, ReportedIpPermission.Check, publicAccess))
            .WithName("ReportedIpSearchPublic").WithSummary("ReportedIP search: reported addresses of a network or prefix (q).")
            .Produces<ReportedIpEnvelope<ReportedIpSearchData>>();
        api.MapGet("/stats-public", (HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock) => Stats(http, index, quotas, clock, statistics))
            .AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, null, publicAccess))
            .WithName("ReportedIpStatsPublic").WithSummary("ReportedIP statistics: addresses and reports held, top categories.")
            .Produces<ReportedIpEnvelope<ReportedIpStatsData>>();
        api.MapGet("/categories", Categories).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, null, publicAccess))
            .WithName("ReportedIpCategories").WithSummary("ReportedIP categories with their native names and severities.")
            .Produces<ReportedIpEnvelope<IReadOnlyList<ReportedIpCategoryInfo>>>();
        api.MapPost("/report", Report).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Report, ReportedIpPermission.Report))
            .DescribesBody<ReportedIpReportRequest>("application/json", "application/x-www-form-urlencoded").WithName("ReportedIpReport").WithSummary("ReportedIP report: report one address (ip, category_ids, comment as form or JSON fields).")
            .Produces<ReportedIpEnvelope<ReportedIpReportData>>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/bulk-check", BulkCheck).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, ReportedIpPermission.BulkCheck))
            .DescribesBody<ReportedIpBulkCheckRequest>().WithName("ReportedIpBulkCheck").WithSummary("ReportedIP bulk-check: up to 1,000 addresses (ips).")
            .Produces<ReportedIpEnvelope<ReportedIpBulkCheckData>>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/bulk-report", BulkReport).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Report, ReportedIpPermission.BulkReport))
            .DescribesBody<ReportedIpBulkReportRequest>().WithName("ReportedIpBulkReport").WithSummary("ReportedIP bulk-report: up to 1,000 reports (reports).")
            .Produces<ReportedIpEnvelope<ReportedIpBulkReportData>>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/whitelist", Whitelist).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Report, ReportedIpPermission.Report))
            .DescribesBody<ReportedIpWhitelistRequest>("application/json", "application/x-www-form-urlencoded").WithName("ReportedIpWhitelist").WithSummary("ReportedIP whitelist feedback: withdraw this key's reports of an address it trusts.")
            .Produces<ReportedIpEnvelope<ReportedIpWhitelistData>>();
        api.MapGet("/verify-key", VerifyKey).AddEndpointFilter(ReportedIpDialect.Access(QuotaFamily.Check, ReportedIpPermission.Verify))
            .WithName("ReportedIpVerifyKey").WithSummary("ReportedIP verify-key: the key's role, permissions and remaining quotas.")
            .Produces<ReportedIpEnvelope<ReportedIpVerifyKeyData>>();
        ReportedIpBlacklist.Map(api);
        return app;
    }

    public static async Task<IResult> Check(HttpContext http, ReputationIndex index, ReportHistory history, IQuotaCounter quotas, IClock clock)
    {
        var caller = ReportedIpCaller.From(http);
        var query = http.Request.Query;
        var text = query["ip"].ToString().Trim();
        if (text.Length == 0)
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Parameter 'ip' is required.");
        }

        if (!IpAddressParser.TryParse(text, out var address, out var error))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Invalid IP address: " + error);
        }

        if (!TryFlag(query, "verbose", out var verbose))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Parameter 'verbose' must be true or false.");
        }

        // The answer is made first so its tag can be compared: the WordPress plugin revalidates with If-None-Match, and an
        // unchanged answer is 304 without being charged.
        var result = index.Check(address, CheckQuery.Default);
        var reports = verbose ? await history.RecentAsync(result, CheckQuery.Default, http.RequestAborted) : [];
        var data = ReportedIpMapper.Check(result, reports ?? [], Geo(http, address.Address), verbose);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReportedIpEnvelope<ReportedIpCheckData>(new ReportedIpMeta(true, StatusCodes.Status200OK, "OK"), data),
            ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpCheckData);
        var etag = EntityTags.Of(body);
        http.Response.Headers.ETag = etag;
        if (EntityTags.Matches(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (await ChargeAsync(caller, QuotaFamily.Check, 1, quotas, clock) is { } refused)
        {
            http.Response.Headers.Remove("ETag");
            return refused;
        }

        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    public static async Task<IResult> Search(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var caller = ReportedIpCaller.From(http);
        var query = http.Request.Query;
        var text = query["q"].ToString().Trim();
        if (text.Length == 0)
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Parameter 'q' is required: an IP address or a network such as 192.0.2.0/24.");
        }

        IPNetwork network;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            if (!IpAddressParser.TryParseNetwork(text, maskHostBits: true, out network, out var error))
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Invalid network: " + error);
            }
        }
        else if (IpAddressParser.TryParse(text, out var single, out var error))
        {
            network = new IPNetwork(single.Address, single.IsIPv6 ? 128 : 32);
        }
        else
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Invalid IP address: " + error);
        }

        var widest = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 48 : 16;
        if (network.PrefixLength < widest)
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, $"The network may be at most a /{widest}.");
        }

        var limit = 25;
        if (query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxSearchResults))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, $"Parameter 'limit' must be 1 to {MaxSearchResults}.");
        }

        if (await ChargeAsync(caller, QuotaFamily.Check, 1, quotas, clock) is { } refused)
        {
            return refused;
        }

        var hits = index.InRange(network)
            .Select(e => new ReportedIpSearchHit(e.Address, index.Score(e).Score, e.TotalReports, WireTime.Rfc3339(e.LastSeen)))
            .OrderByDescending(h => h.AbuseConfidencePercentage).ThenBy(h => h.Ip, StringComparer.Ordinal)
            .ToList();
        var data = new ReportedIpSearchData(network.ToString(), hits.Count, [.. hits.Take(limit)]);
        return ReportedIpResults.Ok(data, ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpSearchData);
    }

    internal static async Task<IResult> Stats(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock, ReportedIpStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (await ChargeAsync(ReportedIpCaller.From(http), QuotaFamily.Check, 1, quotas, clock) is { } refused)
        {
            return refused;
        }

        return ReportedIpResults.Ok(statistics.Get(index, clock.UtcNow), ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpStatsData);
    }

    public static IResult Categories()
    {
        IReadOnlyList<ReportedIpCategoryInfo> categories = [.. CategoryCatalog.ReportedIp.Select(c =>
        {
            var native = CategoryCatalog.Get(c.NativeId);
            return new ReportedIpCategoryInfo(c.Id, c.Name, native.Name, CategoryCatalog.SeverityName(native.Severity));
        })];
        return ReportedIpResults.Ok(categories, ReportedIpJsonContext.Api.ReportedIpEnvelopeIReadOnlyListReportedIpCategoryInfo);
    }

    public static async Task<IResult> Report(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        var fields = await RequestFields.ReadAsync(http.Request, MaxReportBodyBytes, http.RequestAborted);
        if (fields.Error is not null)
        {
            return ReportedIpResults.Error(fields.Status, fields.Error);
        }

        if (!TryParseReport(fields.Get("ip"), fields.Get("categories"), fields.Get("comment"),
                fields.Get("timestamp"), http.Connection.RemoteIpAddress?.ToString(), out var submission, out var error))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        var batch = await reports.SubmitAsync(access.Key, [submission!], http.RequestAborted);
        access.Decision = batch.Quota;
        var result = batch.Results[0];
        return result.Outcome switch
        {
            ReportOutcomeKind.Rejected => ReportedIpResults.Error(StatusCodes.Status400BadRequest, result.Error!),
            ReportOutcomeKind.QuotaExceeded => ReportedIpResults.TooManyRequests(QuotaDay.SecondsUntilReset(batch.Quota.ResetsAt.AddTicks(-1))),
            _ => ReportedIpResults.Ok(new ReportedIpReportData(result.Address!, result.Report!.Id,
                    result.Outcome == ReportOutcomeKind.Duplicate ? "duplicate" : "accepted", result.Score, ReportedIpMapper.Categories(result.Report)),
                ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpReportData),
        };
    }

    /// <summary>
    /// Positive feedback (<c>{ipAddress, reason}</c>, form or JSON): recorded in the audit trail with its reason, and the
    /// caller's own reports of the address are withdrawn so they stop counting. Charged one unit of the report quota (429 once
    /// it is exhausted), so feedback is metered like reports.
    /// </summary>
    public static async Task<IResult> Whitelist(HttpContext http, ReportService reports, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var fields = await RequestFields.ReadAsync(http.Request, MaxReportBodyBytes, http.RequestAborted);
        if (fields.Error is not null)
        {
            return ReportedIpResults.Error(fields.Status, fields.Error);
        }

        var ip = (fields.Get("ipAddress") ?? fields.Get("ip"))?.Trim();
        if (string.IsNullOrEmpty(ip))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Parameter 'ipAddress' is required.");
        }

        var reason = fields.Get("reason");
        if (reason is { Length: > ReportLimits.MaxCommentLength })
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, $"Parameter 'reason' is longer than {ReportLimits.MaxCommentLength} characters.");
        }

        if (!IpAddressParser.TryParse(ip, out var address, out var error))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Invalid IP address: " + error);
        }

        if (await ChargeAsync(ReportedIpCaller.From(http), QuotaFamily.Report, 1, quotas, clock) is { } refused)
        {
            return refused;
        }

        var (withdrawn, refusal) = await reports.ClearAsync(access.Key, address.Text, "positive-feedback", reason, http.RequestAborted);
        if (refusal is not null)
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, refusal);
        }

        return ReportedIpResults.Ok(new ReportedIpWhitelistData(address.Text, "recorded", withdrawn, index.Score(address.Text).Score),
            ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpWhitelistData);
    }

    public static async Task<IResult> BulkCheck(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock)
    {
        var caller = ReportedIpCaller.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxBulkBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return ReportedIpResults.Error(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {MaxBulkBodyBytes / 1024 / 1024} MB.");
        }

        if (!TryReadAddressList(http.Request, body, out var items, out var error))
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        var valid = new List<NormalizedAddress>();
        var invalid = new List<ReportedIpRowError>();
        for (var i = 0; i < items.Count; i++)
        {
            if (IpAddressParser.TryParse(items[i]?.Trim(), out var address, out var reason))
            {
                valid.Add(address);
            }
            else
            {
                invalid.Add(new ReportedIpRowError(i, items[i], reason));
            }
        }

        if (valid.Count > 0 && await ChargeAsync(caller, QuotaFamily.Check, valid.Count, quotas, clock) is { } refused)
        {
            return refused;
        }

        var results = valid.Select(a => ReportedIpMapper.Check(index.Check(a, CheckQuery.Default), [], Geo(http, a.Address), false)).ToList();
        return ReportedIpResults.Ok(new ReportedIpBulkCheckData(items.Count, results, invalid), ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpBulkCheckData);
    }

    public static async Task<IResult> BulkReport(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxBulkBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return ReportedIpResults.Error(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {MaxBulkBodyBytes / 1024 / 1024} MB.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Request body must be JSON {\"reports\":[{ip, categories, comment}]}: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("reports", out var inner) ? inner : root;
            if (list.ValueKind != JsonValueKind.Array)
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, "Request body must be JSON {\"reports\":[{ip, categories, comment}]}.");
            }

            if (list.GetArrayLength() is 0 or > MaxBulkItems)
            {
                return ReportedIpResults.Error(StatusCodes.Status400BadRequest, $"Send 1 to {MaxBulkItems} reports per request.");
            }

            var errors = new List<ReportedIpRowError>();
            var submissions = new List<ReportSubmission>();
            var rows = new List<int>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new ReportedIpRowError(index++, null, "A report must be a JSON object."));
                    continue;
                }

                var ip = Text(item, "ip");
                if (TryParseReport(ip, Text(item, "categories"), Text(item, "comment"), Text(item, "timestamp"), http.Connection.RemoteIpAddress?.ToString(),
                        out var submission, out var error))
                {
                    submissions.Add(submission!);
                    rows.Add(index);
                }
                else
                {
                    errors.Add(new ReportedIpRowError(index, ip, error!));
                }

                index++;
            }

            int accepted = 0, duplicates = 0;
            if (submissions.Count > 0)
            {
                var batch = await reports.SubmitAsync(access.Key, submissions, http.RequestAborted);
                access.Decision = batch.Quota;
                for (var i = 0; i < batch.Results.Count; i++)
                {
                    var result = batch.Results[i];
                    switch (result.Outcome)
                    {
                        case ReportOutcomeKind.Accepted:
                            accepted++;
                            break;
                        case ReportOutcomeKind.Duplicate:
                            duplicates++;
                            break;
                        default:
                            errors.Add(new ReportedIpRowError(rows[i], submissions[i].Ip, result.Error!));
                            break;
                    }
                }

                if (accepted == 0 && duplicates == 0 && batch.Results.Any(r => r.Outcome == ReportOutcomeKind.QuotaExceeded))
                {
                    return ReportedIpResults.TooManyRequests(QuotaDay.SecondsUntilReset(batch.Quota.ResetsAt.AddTicks(-1)));
                }
            }

            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return ReportedIpResults.Ok(new ReportedIpBulkReportData(accepted, duplicates, errors.Count, errors),
                ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpBulkReportData);
        }
    }

    public static async Task<IResult> VerifyKey(HttpContext http, IQuotaCounter quotas, IClock clock)
    {
        var key = AccessContext.From(http).Key;
        var now = clock.UtcNow;
        var checks = await quotas.PeekAsync(key.Key.Id, QuotaFamily.Check, key.LimitFor(QuotaFamily.Check), now);
        var reportsQuota = await quotas.PeekAsync(key.Key.Id, QuotaFamily.Report, key.LimitFor(QuotaFamily.Report), now);
        var canReport = ReportedIpRoles.Allows(key.Tier, ReportedIpPermission.Report);
        var permissions = ReportedIpRoles.PermissionsOf(key.Tier).Select(PermissionName).ToList();
        var data = new ReportedIpVerifyKeyData(true, key.Key.Name, ReportedIpRoles.RoleName(key.Tier), permissions,
            new ReportedIpLimits(checks.Limit ?? -1, checks.Remaining ?? -1, canReport ? reportsQuota.Limit ?? -1 : 0, canReport ? reportsQuota.Remaining ?? -1 : 0),
            permissions);
        return ReportedIpResults.Ok(data, ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpVerifyKeyData);
    }

    /// <summary>ReportedIP report fields → a submission: <c>categories</c> is a comma list of ReportedIP ids 1–58.</summary>
    private static bool TryParseReport(string? ip, string? categoriesText, string? comment, string? timestamp, string? reporterAddress,
        out ReportSubmission? submission, out string? error)
    {
        submission = null;
        if (string.IsNullOrWhiteSpace(ip))
        {
            error = "Parameter 'ip' is required.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(categoriesText))
        {
            error = "Parameter 'categories' is required: comma-separated ReportedIP category ids (1–58, see /categories).";
            return false;
        }

        var original = new List<int>();
        var native = new List<int>();
        foreach (var part in categoriesText.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !CategoryCatalog.TryFromReportedIp(id, out var category))
            {
                error = $"Unknown category '{(part.Length > 20 ? part[..20] + "…" : part)}': use ReportedIP category ids 1–58 (see /categories).";
                return false;
            }

            if (!original.Contains(id))
            {
                original.Add(id);
            }

            if (!native.Contains(category.Id))
            {
                native.Add(category.Id);
            }
        }

        if (original.Count > CategoryCatalog.ReportedIp.Count)
        {
            error = "Too many categories.";
            return false;
        }

        DateTimeOffset? at = null;
        if (!string.IsNullOrWhiteSpace(timestamp))
        {
            if (!WireTime.TryParse(timestamp, out var parsed))
            {
                error = "Parameter 'timestamp' must be an ISO 8601 time or epoch seconds.";
                return false;
            }

            at = parsed;
        }

        submission = new ReportSubmission(ip.Trim(), native, Comment: string.IsNullOrEmpty(comment) ? null : comment, Timestamp: at,
            Dialect: Dialect, DialectCategories: original, ReporterAddress: reporterAddress);
        error = null;
        return true;
    }

    /// <summary>Bulk-check input: JSON <c>{"ips":[…]}</c> or <c>[…]</c>, or text with one address per line (or comma-separated).</summary>
    private static bool TryReadAddressList(HttpRequest request, byte[] body, out List<string?> items, out string? error)
    {
        items = [];
        error = null;
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "Request body is not valid UTF-8.";
            return false;
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.StartsWith('{') || text.StartsWith('[') || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ips", out var inner) ? inner : root;
                if (list.ValueKind != JsonValueKind.Array)
                {
                    error = "Request body must be JSON {\"ips\":[…]} or one address per line.";
                    return false;
                }

                items = [.. list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())];
            }
            catch (JsonException ex)
            {
                error = "Request body is not valid JSON: " + ex.Message;
                return false;
            }
        }
        else
        {
            items = [.. text.Split(['\n', ',', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        if (items.Count is 0 or > MaxBulkItems)
        {
            error = $"Send 1 to {MaxBulkItems} addresses per request.";
            return false;
        }

        return true;
    }

    /// <summary>Charges a keyed caller's quota; an anonymous caller was charged one request by the access filter.</summary>
    private static async Task<IResult?> ChargeAsync(ReportedIpCaller caller, QuotaFamily family, long units, IQuotaCounter quotas, IClock clock)
    {
        if (caller.Access is not { } access)
        {
            return null;
        }

        var decision = await access.ChargeAsync(units, quotas, clock, family);
        return decision.Allowed ? null : ReportedIpResults.TooManyRequests(QuotaDay.SecondsUntilReset(clock.UtcNow));
    }

    private static GeoInfo? Geo(HttpContext http, IPAddress address) => http.RequestServices.GetService<IGeoLookup>()?.Lookup(address);

    private static bool TryFlag(IQueryCollection query, string name, out bool value)
    {
        value = false;
        var text = query[name].ToString().ToLowerInvariant();
        switch (text)
        {
            case "" or "false" or "0" or "no":
                return true;
            case "true" or "1" or "yes":
                value = true;
                return true;
            default:
                return false;
        }
    }

    private static string? Text(JsonElement item, string name)
        => !item.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };

    private static string PermissionName(ReportedIpPermission permission) => permission switch
    {
        ReportedIpPermission.Check => "check",
        ReportedIpPermission.Report => "report",
        ReportedIpPermission.Verify => "verify",
        ReportedIpPermission.BulkCheck => "bulk_check",
        ReportedIpPermission.BulkReport => "bulk_report",
        _ => "blacklist",
    };
}
