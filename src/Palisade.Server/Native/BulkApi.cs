using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Palisade.Core.Addresses;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reports.Bulk;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>
/// The native bulk endpoints: <c>POST /v1/key/bulk-report</c> (JSON or a multipart CSV file; per-row errors, partial
/// success, one transaction) and <c>POST /v1/key/bulk-check-inline</c> (one address per line).
/// </summary>
public static class BulkApi
{
    // Room for multipart boundaries and part headers around a file of the largest allowed size.
    private const int MultipartOverheadBytes = 64 * 1024;

    private const string ContentTypeHelp =
        "Send the reports as application/json ({\"reports\":[{\"ip\":…,\"category\":…}]} or a bare array), as multipart/form-data with a CSV file in field 'file', or as text/csv.";

    public static IEndpointRouteBuilder MapNativeBulkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/key").WithTags("Native").ProducesFaceErrors(NativeDialect.Instance);
        api.MapPost("/bulk-report", BulkReport).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Report, Feature.BulkReport))
            .DescribesBody<NativeBulkReportRequest>("application/json", "multipart/form-data", "text/csv").WithName("NativeBulkReport").WithSummary("Report up to 10,000 addresses in one transaction (JSON, or a CSV file as multipart or text/csv); per-row errors.")
            .Produces<BulkReportResponse>()
            .ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        api.MapPost("/bulk-check-inline", BulkCheck).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Check, Feature.BulkCheck))
            .DescribesBody<string>("text/plain").WithName("NativeBulkCheck").WithSummary("Check many addresses at once: one address per line in a text/plain body.")
            .Produces<BulkCheckResponse>().ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    public static async Task<IResult> BulkReport(HttpContext http, ReportService reports)
    {
        var access = AccessContext.From(http);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            return NativeResults.Error(StatusCodes.Status415UnsupportedMediaType, ContentTypeHelp);
        }

        var reporterAddress = http.Connection.RemoteIpAddress?.ToString();
        BulkParseResult parsed;
        if (IsJson(mediaType))
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, BulkLimits.MaxFileBytes, http.RequestAborted);
            parsed = body is null ? BulkParseResult.TooLarge(BulkParseResult.TooManyBytesMessage) : ParseJson(body, reporterAddress);
        }
        else if (mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, BulkLimits.MaxFileBytes + MultipartOverheadBytes, http.RequestAborted);
            parsed = body is null
                ? BulkParseResult.TooLarge(BulkParseResult.TooManyBytesMessage)
                : await ParseMultipartAsync(body, HeaderUtilities.RemoveQuotes(contentType.Boundary).Value, reporterAddress, http.RequestAborted);
        }
        else if (IsCsv(mediaType))
        {
            var body = await RequestBodyReader.ReadAsync(http.Request, BulkLimits.MaxFileBytes, http.RequestAborted);
            parsed = body is null ? BulkParseResult.TooLarge(BulkParseResult.TooManyBytesMessage) : BulkCsvParser.Parse(body, reporterAddress);
        }
        else
        {
            return NativeResults.Error(StatusCodes.Status415UnsupportedMediaType, ContentTypeHelp);
        }

        switch (parsed.Failure)
        {
            case BulkParseFailure.TooLarge:
                return NativeResults.Error(StatusCodes.Status413PayloadTooLarge, parsed.Error!);
            case BulkParseFailure.Malformed:
                return NativeResults.Error(StatusCodes.Status400BadRequest, parsed.Error!);
        }

        if (parsed.Rows.Count == 0)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, "The upload holds no reports (only blank lines or a header). Nothing was stored.");
        }

        var outcome = await BulkReportSubmitter.SubmitAsync(reports, access.Key, parsed.Rows, http.RequestAborted);
        access.Decision = outcome.Quota;
        var response = new BulkReportResponse(outcome.Total, outcome.Accepted, outcome.Rejected, outcome.Duplicates,
            [.. outcome.Errors.Select(e => new BulkReportError(e.Row, e.Ip, e.Error))]);
        if (outcome.QuotaRejected > 0 && outcome.Accepted == 0)
        {
            // Nothing got in because the quota is spent: say so in the status too, so clients back off until midnight.
            return TypedResults.Json(response with { Error = QuotaMessage("report", outcome.Quota) }, NativeJsonContext.Api.BulkReportResponse,
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        return TypedResults.Json(response, NativeJsonContext.Api.BulkReportResponse);
    }

    public static async Task<IResult> BulkCheck(HttpContext http, ReputationIndex index, IQuotaCounter quotas, IClock clock, IGeoLookup geo)
    {
        var access = AccessContext.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, BulkLimits.MaxAddressListBytes, http.RequestAborted);
        var list = body is null
            ? new BulkAddressList([], BulkParseFailure.TooLarge,
                $"A bulk check body is at most 2 MB ({BulkLimits.MaxAddressListBytes:N0} bytes) and {BulkLimits.MaxAddresses:N0} addresses; split the list. Nothing was looked up.")
            : BulkAddressList.Parse(body);
        switch (list.Failure)
        {
            case BulkParseFailure.TooLarge:
                return NativeResults.Error(StatusCodes.Status413PayloadTooLarge, list.Error!);
            case BulkParseFailure.Malformed:
                return NativeResults.Error(StatusCodes.Status400BadRequest, list.Error!);
        }

        var addresses = list.Addresses;
        if (addresses.Count == 0)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, "The body holds no addresses; send one IP address per line.");
        }

        var decision = await access.ChargeAsync(addresses.Count, quotas, clock);
        if (!decision.Allowed)
        {
            return NativeResults.Error(StatusCodes.Status429TooManyRequests,
                $"A bulk check of {addresses.Count} addresses needs {addresses.Count} lookups but only {decision.Remaining} of the daily quota of {decision.Limit} remain; nothing was charged. It resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)}).");
        }

        var results = new BulkCheckResult[addresses.Count];
        var found = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var address = addresses[i];
            // Non-public addresses are never reported, so they are never found (as in a single check). The answer prints
            // the score alone: the compact score is the same number without building (and keeping) the explanation.
            if (address.IsPublic && index.Find(address.Text) is { TotalReports: > 0 } entry)
            {
                found++;
                results[i] = new BulkCheckResult(address.Text, true, index.ScoreValue(entry).Score, geo.Lookup(address.Address)?.CountryCode, entry.LastSeen.ToUnixTimeMilliseconds());
            }
            else
            {
                results[i] = new BulkCheckResult(address.Text, false, null, geo.Lookup(address.Address)?.CountryCode, null);
            }
        }

        return TypedResults.Json(new BulkCheckResponse(results.Length, found, results), NativeJsonContext.Api.BulkCheckResponse);
    }

    private static BulkParseResult ParseJson(byte[] body, string? reporterAddress)
    {
        var json = body.AsMemory();
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return BulkParseResult.Malformed("Request body is not valid UTF-8. Nothing was stored.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return BulkParseResult.Malformed("Request body is not valid JSON: " + ex.Message + " Nothing was stored.");
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement items;
            if (root.ValueKind == JsonValueKind.Array)
            {
                items = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("reports", out var reports) && reports.ValueKind == JsonValueKind.Array)
            {
                items = reports;
            }
            else
            {
                return BulkParseResult.Malformed("Expected {\"reports\":[…]} or a JSON array of reports. Nothing was stored.");
            }

            if (items.GetArrayLength() > BulkLimits.MaxRows)
            {
                return BulkParseResult.TooLarge(BulkParseResult.TooManyRowsMessage);
            }

            var rows = new List<BulkRow>(items.GetArrayLength());
            var number = 0;
            foreach (var item in items.EnumerateArray())
            {
                number++;
                rows.Add(NativeReportParser.TryParse(item, reporterAddress, out var submission, out var ip, out var error)
                    ? new BulkRow(number, BulkLimits.Echo(ip), submission, null)
                    : new BulkRow(number, BulkLimits.Echo(ip), null, error));
            }

            return BulkParseResult.Parsed(rows);
        }
    }

    private static async Task<BulkParseResult> ParseMultipartAsync(byte[] body, string? boundary, string? reporterAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return BulkParseResult.Malformed("multipart/form-data needs a boundary parameter in Content-Type. Nothing was stored.");
        }

        try
        {
            using var stream = new MemoryStream(body, writable: false);
            var reader = new MultipartReader(boundary, stream) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    HeaderUtilities.RemoveQuotes(disposition.Name).Value is not ("file" or "csv"))
                {
                    continue;
                }

                using var file = new MemoryStream();
                await section.Body.CopyToAsync(file, cancellationToken);
                return file.Length > BulkLimits.MaxFileBytes
                    ? BulkParseResult.TooLarge(BulkParseResult.TooManyBytesMessage)
                    : BulkCsvParser.Parse(file.GetBuffer().AsSpan(0, (int)file.Length), reporterAddress);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return BulkParseResult.Malformed("Malformed multipart/form-data body: " + ex.Message + " Nothing was stored.");
        }

        return BulkParseResult.Malformed("The multipart upload has no part named 'file' (or 'csv') holding the CSV file. Nothing was stored.");
    }

    private static bool IsJson(string mediaType)
        => mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase) ||
           mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsCsv(string mediaType)
        => mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase) ||
           mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);

    private static string QuotaMessage(string unit, QuotaDecision decision)
        => $"Daily {unit} quota of {decision.Limit} exhausted; it resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)}).";
}
