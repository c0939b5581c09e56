using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.AbuseIpdb.Contracts;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// The AbuseIPDB API v2 face under <c>/api/v2/</c>: clients written for AbuseIPDB (fail2ban's stock action, libraries)
/// work by changing only the base URL. Categories are AbuseIPDB's 23 ids, mapped through the one category table.
/// </summary>
public static class AbuseIpdbApi
{
    /// <summary>Reports a verbose check lists at most (newest first); <c>/reports</c> pages through all of them.</summary>
    private const int VerboseReportsShown = 1000;

    public const string Dialect = "abuseipdb";

    private const int MaxReportBodyBytes = 64 * 1024;
    private const int MaxCommentBytes = 1024;
    private const int MaxCategoriesPerReport = 30;
    private const int MaxBulkCsvBytes = 2 * 1024 * 1024;
    private const int MaxBulkLines = 10_000;
    private const string InvalidIp = "The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).";

    public static IEndpointRouteBuilder MapAbuseIpdbApi(this IEndpointRouteBuilder app)
    {
        var dialect = AbuseIpdbDialect.Instance;
        // AbuseIPDB answers every validation error with 422 naming the parameter, and an oversized body with 413.
        var api = app.MapGroup("/api/v2").WithTags("AbuseIPDB").ProducesFaceErrors(dialect)
            .ProducesFaceErrors(dialect, StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/check", Check).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("AbuseIpdbCheck").WithSummary("AbuseIPDB check: an address's confidence score, reports count, usage type and country (ipAddress, maxAgeInDays, verbose).")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbCheckData>>();
        api.MapGet("/reports", Reports).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("AbuseIpdbReports").WithSummary("AbuseIPDB reports: the reports of an address, paged (ipAddress, maxAgeInDays, page, perPage).")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbReportsPage>>();
        api.MapGet("/check-block", CheckBlock).AddEndpointFilter(dialect.Access(QuotaFamily.Check, Feature.Check))
            .WithName("AbuseIpdbCheckBlock").WithSummary("AbuseIPDB check-block: the reported addresses of a network (network, maxAgeInDays).")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbCheckBlockData>>();
        api.MapPost("/report", Report).AddEndpointFilter(dialect.Access(QuotaFamily.Report, Feature.Report))
            .DescribesBody<AbuseIpdbReportRequest>("application/x-www-form-urlencoded", "multipart/form-data", "application/json").WithName("AbuseIpdbReport").WithSummary("AbuseIPDB report: report one address (ip, categories, comment, timestamp as query, form or JSON fields).")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbReportData>>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/bulk-report", BulkReport).AddEndpointFilter(dialect.Access(QuotaFamily.Report, Feature.BulkReport))
            .DescribesBody<AbuseIpdbBulkReportForm>("multipart/form-data").WithName("AbuseIpdbBulkReport").WithSummary("AbuseIPDB bulk-report: a CSV file of up to 10,000 reports in multipart field csv.")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbBulkReportData>>().ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/clear-address", ClearAddress).AddEndpointFilter(dialect.Access(QuotaFamily.Report, Feature.Report))
            .WithName("AbuseIpdbClearAddress").WithSummary("AbuseIPDB clear-address: withdraw this key's reports of an address (ipAddress).")
            .Produces<AbuseIpdbEnvelope<AbuseIpdbClearAddressData>>();
        app.MapAbuseIpdbBlacklist();
        return app;
    }

    public static async Task<IResult> Check(HttpContext http, ReputationIndex index, IReportStore store, IQuotaCounter quotas, IClock clock, IGeoLookup geo)
    {
        var access = AccessContext.From(http);
        var fields = await ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        var query = fields.Values;
        if (!TryAddress(query, out var address, out var failure) || !TryMaxAge(query, out var maxAgeDays, out failure))
        {
            return failure!;
        }

        var verbose = Flag(query, "verbose");
        if (await ChargeCheckAsync(access, quotas, clock) is { } refused)
        {
            return refused;
        }

        var full = index.Check(address!, CheckQuery.Default);
        var windowed = Windowed(index, address!, full, maxAgeDays);
        var country = address!.IsPublic ? geo.Lookup(address.Address) : null;
        var data = new AbuseIpdbCheckData(
            address.Text,
            address.IsPublic,
            address.IsIPv6 ? 6 : 4,
            address.IsPublic ? full.Whitelisted is not null : null,
            full.Score,
            country?.CountryCode,
            null,
            null,
            null,
            [],
            false,
            windowed.TotalSessions,
            index.DistinctReporters(address.Text, clock.UtcNow - TimeSpan.FromDays(maxAgeDays)),
            AbuseIpdbMapper.Time(windowed.LastSeen));
        if (verbose)
        {
            data = data with { CountryName = country?.CountryName };
            var reports = await store.LoadLatestAsync(address.Text, clock.UtcNow - TimeSpan.FromDays(maxAgeDays), 0, VerboseReportsShown, http.RequestAborted);
            data = data with { Reports = [.. reports.Select(r => AbuseIpdbMapper.Report(r, index.Reporters))] };
        }

        return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbCheckData>(data), AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbCheckData);
    }

    public static async Task<IResult> Reports(HttpContext http, ReputationIndex index, IReportStore store, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var fields = await ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        var query = fields.Values;
        if (!TryAddress(query, out var address, out var failure) || !TryMaxAge(query, out var maxAgeDays, out failure) ||
            !TryInt(query, "page", 1, 1, 100_000, out var page, out failure) ||
            !TryInt(query, "perPage", 25, 1, 100, out var perPage, out failure))
        {
            return failure!;
        }

        if (await ChargeCheckAsync(access, quotas, clock) is { } refused)
        {
            return refused;
        }

        // The page alone and the window's count, from the store: the address may hold a hundred thousand reports.
        var since = clock.UtcNow - TimeSpan.FromDays(maxAgeDays);
        var total = await store.CountByAddressAsync(address!.Text, since, http.RequestAborted);
        var lastPage = Math.Max(1, (total + perPage - 1) / perPage);
        var results = page > lastPage ? [] : (await store.LoadLatestAsync(address.Text, since, (page - 1) * perPage, perPage, http.RequestAborted))
            .Select(r => AbuseIpdbMapper.Report(r, index.Reporters)).ToList();
        var baseUrl = PublicBase.Of(http);
        string PageUrl(int number) => $"{baseUrl}/api/v2/reports?" +
            $"ipAddress={Uri.EscapeDataString(address!.Text)}&maxAgeInDays={maxAgeDays}&perPage={perPage}&page={number}";
        var data = new AbuseIpdbReportsPage(total, page, results.Count, perPage, lastPage,
            page < lastPage ? PageUrl(page + 1) : null,
            page > 1 ? PageUrl(Math.Min(page - 1, lastPage)) : null,
            results);
        return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbReportsPage>(data), AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbReportsPage);
    }

    public static async Task<IResult> CheckBlock(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock, IGeoLookup geo)
    {
        var access = AccessContext.From(http);
        var fields = await ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        var query = fields.Values;
        var text = query["network"].ToString();
        if (text.Length == 0)
        {
            return AbuseIpdbResults.Invalid("network", "The network field is required.");
        }

        if (!IpAddressParser.TryParseNetwork(text, maskHostBits: true, out var network, out var error))
        {
            return AbuseIpdbResults.Invalid("network", "The network must be in CIDR notation (e.g. 127.0.0.1/24): " + error);
        }

        if (!TryMaxAge(query, out var maxAgeDays, out var failure))
        {
            return failure!;
        }

        var v6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        // AbuseIPDB: free accounts up to /24, subscribers up to /16. IPv6 blocks up to /64 (one site).
        var widest = v6 ? 64 : access.Key.Tier.Id.Equals("free", StringComparison.OrdinalIgnoreCase) ? 24 : 16;
        if (network.PrefixLength < widest)
        {
            return AbuseIpdbResults.Invalid("network", $"The network may be at most a /{widest} for this plan (got /{network.PrefixLength}).");
        }

        if (await ChargeCheckAsync(access, quotas, clock) is { } refused)
        {
            return refused;
        }

        var now = clock.UtcNow;
        var window = TimeSpan.FromDays(maxAgeDays);
        var reported = new List<AbuseIpdbBlockAddress>();
        foreach (var entry in index.InRange(network))
        {
            if (now - entry.LastSeen > window || !IpAddressParser.TryParse(entry.Address, out var parsed, out _))
            {
                continue;
            }

            var result = index.Check(parsed, new CheckQuery(window));
            if (result.Found)
            {
                reported.Add(new AbuseIpdbBlockAddress(parsed.Text, result.TotalSessions, AbuseIpdbMapper.Time(result.LastSeen), index.Score(entry).Score,
                    (parsed.IsPublic ? geo.Lookup(parsed.Address)?.CountryCode : null)));
            }
        }

        reported.Sort((a, b) => b.AbuseConfidenceScore != a.AbuseConfidenceScore
            ? b.AbuseConfidenceScore.CompareTo(a.AbuseConfidenceScore)
            : string.CompareOrdinal(a.IpAddress, b.IpAddress));
        // Exact 128-bit arithmetic: a /64 holds 18446744073709551616 addresses, which no double represents.
        var range = AddressRange.Of(network);
        var first = network.BaseAddress;
        // IPv4 blocks of /30 and wider lose the network and broadcast addresses, as AbuseIPDB counts them.
        var trims = !v6 && network.PrefixLength <= 30;
        var data = new AbuseIpdbCheckBlockData(
            first.ToString(),
            Netmask(network.PrefixLength, v6),
            range.At(trims ? UInt128.One : UInt128.Zero).ToString(),
            range.At(trims ? range.LastOffset - 1 : range.LastOffset).ToString(),
            trims ? range.Size - 2 : range.Size,
            SpaceDescription(IpAddressParser.Classify(first)),
            reported);
        return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbCheckBlockData>(data), AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbCheckBlockData);
    }

    /// <summary>Deletes the caller's own reports of an address (recorded in the audit trail); charged one unit of the report
    /// quota, so withdrawals are metered like reports (429 once it is exhausted).</summary>
    public static async Task<IResult> ClearAddress(HttpContext http, ReportService reports, IQuotaCounter quotas, IClock clock)
    {
        var access = AccessContext.From(http);
        var fields = await ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        if (!TryAddress(fields.Values, out var address, out var failure))
        {
            return failure!;
        }

        if (await ChargeCheckAsync(access, quotas, clock, QuotaFamily.Report) is { } refused)
        {
            return refused;
        }

        var (deleted, error) = await reports.ClearAsync(access.Key, address!.Text, "clear", null, http.RequestAborted);
        return error is not null
            ? AbuseIpdbResults.Invalid("ipAddress", error)
            : TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbClearAddressData>(new AbuseIpdbClearAddressData(deleted)),
                AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbClearAddressData);
    }

    public static async Task<IResult> Report(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        var fields = await ParametersAsync(http);
        if (fields.Error is not null)
        {
            return AbuseIpdbResults.Error(fields.Status, fields.Error);
        }

        if (!TryParseReport(fields.Get("ip"), fields.Get("categories"), fields.Get("comment"),
                fields.Get("timestamp"), http.Connection.RemoteIpAddress?.ToString(), out var submission, out var parameter, out var error))
        {
            return AbuseIpdbResults.Invalid(parameter!, error!);
        }

        var batch = await reports.SubmitAsync(access.Key, [submission!], http.RequestAborted);
        access.Decision = batch.Quota;
        var result = batch.Results[0];
        switch (result.Outcome)
        {
            case ReportOutcomeKind.Rejected:
                return AbuseIpdbResults.Invalid("ip", result.Error!);
            case ReportOutcomeKind.QuotaExceeded:
                return AbuseIpdbResults.RateLimited(batch.Quota.Limit);
            case ReportOutcomeKind.Duplicate:
                // AbuseIPDB answers a repeat within 15 minutes with 429; Palisade answers 200 and counts it once, so a
                // client that cannot tell the two apart (fail2ban's curl -f) does not log a failure.
                http.Response.Headers["X-Duplicate-Window"] = ((int)ReportLimits.DuplicateWindow.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbReportData>(new AbuseIpdbReportData(result.Address!, result.Score) { Status = "duplicate" }),
                    AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbReportData);
            default:
                return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbReportData>(new AbuseIpdbReportData(result.Address!, result.Score)),
                    AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbReportData);
        }
    }

    public static async Task<IResult> BulkReport(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        if (!http.Request.HasFormContentType)
        {
            return AbuseIpdbResults.Invalid("csv", "The csv field is required (multipart/form-data with a file field named csv).");
        }

        // The whole upload is bounded (the csv plus room for other fields), not only the file inside it.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = MaxBulkCsvBytes + MaxReportBodyBytes;
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            return AbuseIpdbResults.Invalid("csv", "The multipart body could not be read: " + ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return AbuseIpdbResults.Error(StatusCodes.Status413PayloadTooLarge, $"The upload may not be greater than {MaxBulkCsvBytes / 1024} kilobytes.");
        }

        var file = form.Files["csv"];
        if (file is null)
        {
            return AbuseIpdbResults.Invalid("csv", "The csv field is required (multipart/form-data with a file field named csv).");
        }

        if (file.Length > MaxBulkCsvBytes)
        {
            return AbuseIpdbResults.Invalid("csv", $"The csv may not be greater than {MaxBulkCsvBytes / 1024} kilobytes.");
        }

        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await file.CopyToAsync(buffer, http.RequestAborted);
            bytes = buffer.ToArray();
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return AbuseIpdbResults.Invalid("csv", "The csv is not valid UTF-8.");
        }

        var rows = AbuseIpdbCsv.Parse(Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), MaxBulkLines);
        if (rows.Count > MaxBulkLines)
        {
            return AbuseIpdbResults.Invalid("csv", $"The csv may have at most {MaxBulkLines:N0} lines, including the header.");
        }

        if (rows.Count == 0 || !IsBulkHeader(rows[0].Fields))
        {
            return AbuseIpdbResults.Invalid("csv", "The csv's first line must be the header IP,Categories,ReportDate,Comment (in that order).");
        }

        var invalid = new List<AbuseIpdbInvalidReport>();
        var submissions = new List<ReportSubmission>();
        var submitted = new List<AbuseIpdbCsv.Row>();
        var reporter = http.Connection.RemoteIpAddress?.ToString();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Count is < 3 or > 4)
            {
                invalid.Add(new AbuseIpdbInvalidReport("A row has 4 columns: IP,Categories,ReportDate,Comment.", Cut(row.Raw), row.Line));
                continue;
            }

            var date = row.Fields[2].Trim();
            if (!TryParseReport(row.Fields[0].Trim(), row.Fields[1], row.Fields.Count > 3 ? row.Fields[3] : null, date.Length == 0 ? null : date, reporter,
                    out var submission, out _, out var error))
            {
                invalid.Add(new AbuseIpdbInvalidReport(error!, Cut(row.Raw), row.Line));
                continue;
            }

            submissions.Add(submission!);
            submitted.Add(row);
        }

        var saved = 0;
        var quotaRefused = 0;
        if (submissions.Count > 0)
        {
            var batch = await reports.SubmitAsync(access.Key, submissions, http.RequestAborted);
            access.Decision = batch.Quota;
            for (var i = 0; i < batch.Results.Count; i++)
            {
                var result = batch.Results[i];
                var row = submitted[i];
                switch (result.Outcome)
                {
                    case ReportOutcomeKind.Accepted:
                        saved++;
                        break;
                    case ReportOutcomeKind.Duplicate:
                        invalid.Add(new AbuseIpdbInvalidReport("Duplicate IP: this key reported it within the last 15 minutes.", Cut(row.Raw), row.Line));
                        break;
                    case ReportOutcomeKind.QuotaExceeded:
                        quotaRefused++;
                        invalid.Add(new AbuseIpdbInvalidReport("Daily report quota exhausted.", Cut(row.Raw), row.Line));
                        break;
                    default:
                        invalid.Add(new AbuseIpdbInvalidReport(result.Error!, Cut(row.Raw), row.Line));
                        break;
                }
            }
        }

        if (saved == 0 && quotaRefused > 0)
        {
            return AbuseIpdbResults.RateLimited(access.Key.LimitFor(QuotaFamily.Report));
        }

        invalid.Sort((a, b) => a.RowNumber.CompareTo(b.RowNumber));
        return TypedResults.Json(new AbuseIpdbEnvelope<AbuseIpdbBulkReportData>(new AbuseIpdbBulkReportData(saved, invalid)),
            AbuseIpdbJsonContext.Api.AbuseIpdbEnvelopeAbuseIpdbBulkReportData);
    }

    /// <summary>Turns AbuseIPDB report fields into a submission; on failure names the parameter and says what is wrong.</summary>
    internal static bool TryParseReport(string? ip, string? categoriesText, string? comment, string? timestamp, string? reporterAddress,
        out ReportSubmission? submission, out string? parameter, out string? error)
    {
        submission = null;
        parameter = null;
        if (string.IsNullOrWhiteSpace(ip))
        {
            parameter = "ip";
            error = "The ip field is required.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(categoriesText))
        {
            parameter = "categories";
            error = "The categories field is required (comma-separated AbuseIPDB category ids 1–23).";
            return false;
        }

        var original = new List<int>();
        var native = new List<int>();
        foreach (var part in categoriesText.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !CategoryCatalog.TryFromAbuseIpdb(id, out var category))
            {
                parameter = "categories";
                error = $"The categories must be separated by a comma and be valid ids 1–23; '{Cut(part, 20)}' is not.";
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

        if (original.Count > MaxCategoriesPerReport)
        {
            parameter = "categories";
            error = $"At most {MaxCategoriesPerReport} categories per report.";
            return false;
        }

        DateTimeOffset? at = null;
        if (!string.IsNullOrWhiteSpace(timestamp))
        {
            if (!AbuseIpdbReportDate.TryParse(timestamp, out var parsed))
            {
                parameter = "timestamp";
                error = "The timestamp must be a date and time such as 2023-10-18T11:25:11-04:00, 2023-10-18 11:25:11 (UTC) or " +
                    "Wed, 18 Oct 2023 11:25:11 +0000.";
                return false;
            }

            at = parsed;
        }

        submission = new ReportSubmission(ip.Trim(), native, Comment: CutComment(comment), Timestamp: at, Dialect: Dialect,
            DialectCategories: original, ReporterAddress: reporterAddress);
        error = null;
        return true;
    }

    /// <summary>AbuseIPDB cuts comments after 1,024 bytes rather than refusing them; the engine keeps at most
    /// <see cref="ReportLimits.MaxCommentLength"/> characters, so the cut is at whichever comes first.</summary>
    internal static string? CutComment(string? comment)
    {
        if (string.IsNullOrEmpty(comment))
        {
            return null;
        }

        var bytes = 0;
        var chars = 0;
        foreach (var rune in comment.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxCommentBytes || chars + rune.Utf16SequenceLength > ReportLimits.MaxCommentLength)
            {
                return comment[..chars];
            }

            bytes += rune.Utf8SequenceLength;
            chars += rune.Utf16SequenceLength;
        }

        return comment;
    }

    private static bool IsBulkHeader(IReadOnlyList<string> fields)
    {
        string[] expected = ["IP", "Categories", "ReportDate", "Comment"];
        return fields.Count == expected.Length &&
            fields.Select(f => f.Trim()).SequenceEqual(expected, StringComparer.OrdinalIgnoreCase);
    }

    private static CheckResult Windowed(ReputationIndex index, NormalizedAddress address, CheckResult full, int maxAgeDays)
        => maxAgeDays >= index.Options.ReportRetentionDays ? full : index.Check(address, new CheckQuery(TimeSpan.FromDays(maxAgeDays)));

    private static async Task<IResult?> ChargeCheckAsync(AccessContext access, IQuotaCounter quotas, IClock clock, QuotaFamily family = QuotaFamily.Check)
    {
        var decision = await access.ChargeAsync(1, quotas, clock, family);
        return decision.Allowed ? null : AbuseIpdbResults.RateLimited(decision.Limit);
    }

    /// <summary>
    /// The request's parameters from the query string, a form-urlencoded or multipart body, or JSON, as AbuseIPDB takes
    /// them on every endpoint (PHP clients send multipart, curl sends a form, others put everything in the URL).
    /// </summary>
    internal static Task<RequestFields> ParametersAsync(HttpContext http)
        => RequestFields.ReadAsync(http.Request, MaxReportBodyBytes, http.RequestAborted);

    private static bool TryAddress(IQueryCollection query, out NormalizedAddress? address, out IResult? failure)
    {
        address = null;
        failure = null;
        var text = query["ipAddress"].ToString();
        if (text.Length == 0)
        {
            failure = AbuseIpdbResults.Invalid("ipAddress", "The ip address field is required.");
            return false;
        }

        if (!IpAddressParser.TryParse(text.Trim(), out address, out _))
        {
            failure = AbuseIpdbResults.Invalid("ipAddress", InvalidIp);
            return false;
        }

        return true;
    }

    private static bool TryMaxAge(IQueryCollection query, out int days, out IResult? failure)
        => TryInt(query, "maxAgeInDays", 30, 1, 365, out days, out failure);

    private static bool TryInt(IQueryCollection query, string name, int fallback, int min, int max, out int value, out IResult? failure)
    {
        value = fallback;
        failure = null;
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            failure = AbuseIpdbResults.Invalid(name, $"The {name} must be a whole number between {min} and {max}.");
            return false;
        }

        return true;
    }

    /// <summary>AbuseIPDB treats <c>verbose</c> as a flag: present (even empty) means on, unless it says false.</summary>
    private static bool Flag(IQueryCollection query, string name)
        => query.TryGetValue(name, out var value) && value.ToString().ToLowerInvariant() is not ("false" or "0" or "no");

    private static string Netmask(int prefix, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        for (var i = 0; i < prefix; i++)
        {
            bytes[i / 8] |= (byte)(0x80 >> (i % 8));
        }

        return new IPAddress(bytes).ToString();
    }

    private static string SpaceDescription(AddressKind kind) => kind switch
    {
        AddressKind.Public => "Internet",
        AddressKind.Private => "Private Use",
        AddressKind.Loopback => "Loopback",
        AddressKind.LinkLocal => "Link Local",
        AddressKind.Multicast => "Multicast",
        AddressKind.Documentation => "Documentation",
        _ => "Reserved",
    };

    private static string Cut(string text, int max = 200) => text.Length <= max ? text : text[..max] + "…";
}
