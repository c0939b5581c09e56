using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Palisade.Core.Blocklists;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Hosting;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>
/// <c>GET /v1/key/blacklist</c>: SikkerAPI's parameters (<c>scoreMinimum</c> default 50, <c>limit</c>, <c>plaintext</c>,
/// <c>onlyCountries</c>, <c>exceptCountries</c>, <c>onlyAsn</c>, <c>exceptAsn</c>, <c>ipVersion</c>, <c>protocols</c>,
/// <c>minSeverity</c>, <c>ignoreWhitelist</c>) plus <c>categories</c>, <c>maxAgeInDays</c>, <c>format</c> and <c>since</c>.
/// Charged per address returned; a list longer than the remaining quota is cut and says so
/// (<c>X-Blacklist-Truncated</c>, <c>meta.truncated</c>). <c>If-None-Match</c> with the current ETag is 304, free.
/// </summary>
public static class BlacklistApi
{
    public const string TruncatedHeader = "X-Blacklist-Truncated";
    public const string TotalHeader = "X-Blacklist-Total";
    public const string CursorHeader = "X-Blacklist-Cursor";

    public static IEndpointRouteBuilder MapNativeBlacklistApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/key/blacklist", Blacklist).WithTags("Native")
            .AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Blacklist, Feature.Blacklist))
            .WithName("NativeBlacklist").WithSummary("The blocklist, filtered and charged per address (JSON; plaintext, CSV and firewall formats as text; since= for changes).")
            .Produces<BlacklistResponse>().ProducesText("text/plain")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesFaceErrors(NativeDialect.Instance).ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<IResult> Blacklist(HttpContext http, BlocklistEngine engine, IQuotaCounter quotas, IClock clock, SavedFullList savedList)
    {
        var access = AccessContext.From(http);
        if (!TryParse(http.Request.Query, out var request, out var error))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, error);
        }

        if (request.Since is { } since)
        {
            return await Changes(http, access, engine, quotas, clock, request.Query, since);
        }

        if (IsFullPlaintext(request) && savedList.Current(engine) is { } saved)
        {
            return await SavedAsync(http, access, quotas, clock, saved);
        }

        var selection = await engine.SelectAsync(request.Query, http.RequestAborted);
        // JSON is sent gzipped to clients that accept it (SikkerAPI's Go client does, and decodes transparently): a
        // million entries are ~115 MB as text, ~10 times less compressed, and only then small enough to cache.
        var gzip = request.Format == BlocklistFormat.Json && BlocklistResult.AcceptsGzip(http.Request);
        var etag = EntityTag(selection.ETag, request.Format, gzip);
        if (request.Format == BlocklistFormat.Json)
        {
            http.Response.Headers.Vary = "Accept-Encoding";
        }

        var (refused, decision) = await RevalidateAndChargeAsync(http, access, quotas, clock, etag, selection.Count);
        if (refused is not null)
        {
            return refused;
        }

        var served = selection.Take((int)Math.Min(decision.Granted, selection.Count));
        var truncated = served.Count < selection.Count;
        var headers = http.Response.Headers;
        headers[TotalHeader] = selection.Total.ToString(CultureInfo.InvariantCulture);
        headers[CursorHeader] = served.Cursor;
        if (truncated)
        {
            headers[TruncatedHeader] = "true";
        }
        else
        {
            // A cut list is not the list: only whole lists get an entity tag to revalidate.
            headers.ETag = etag;
        }

        headers.CacheControl = "no-cache";
        var rendered = request.Format == BlocklistFormat.Json
            ? engine.Render(served, new NativeBlacklistLayout(engine.Geo, selection.Count), gzip)
            : engine.Render(served, request.Format);
        return new BlocklistResult(rendered);
    }

    // The list a firewall pulls whole: ?plaintext=true&scoreMinimum=0.
    private static readonly ParsedRequest FullPlaintext = TryParse(
        new QueryCollection(new Dictionary<string, StringValues>(StringComparer.Ordinal) { ["plaintext"] = "true", ["scoreMinimum"] = "0" }),
        out var full, out var fullError) ? full : throw new InvalidOperationException(fullError);

    private static bool IsFullPlaintext(ParsedRequest request)
        => request.Format == FullPlaintext.Format && request.Query.Limit is null && request.Query.FilterKey == FullPlaintext.Query.FilterKey;

    private static string EntityTag(string selectionETag, BlocklistFormat format, bool gzip)
        => selectionETag[..^1] + "-" + BlocklistParameters.FormatName(format) + (gzip ? "-gzip" : "") + "\"";

    /// <summary>
    /// Renders (into the engine's render cache) the list a firewall pulls whole, <c>?plaintext=true&amp;scoreMinimum=0</c>,
    /// as a request would: the first build after a start calls it, so the first pull is only sent, and a planned
    /// shutdown saves it (<see cref="SavedFullList"/>). Plaintext lists with another minimum are assembled from its cached
    /// pieces.
    /// </summary>
    internal static (BlocklistSelection Selection, RenderedBlocklist Rendered) RenderFullPlaintext(BlocklistEngine engine)
    {
        var selection = engine.Select(FullPlaintext.Query);
        return (selection, engine.Render(selection, FullPlaintext.Format));
    }

    // The full list saved at the last shutdown, before the first build after the start is done: the same answer the
    // list rendered then had (quota, truncation, headers), from its bytes.
    private static async Task<IResult> SavedAsync(HttpContext http, AccessContext access, IQuotaCounter quotas, IClock clock, SavedFullList.Saved saved)
    {
        var etag = EntityTag(saved.ETag, FullPlaintext.Format, gzip: false);
        var (refused, decision) = await RevalidateAndChargeAsync(http, access, quotas, clock, etag, saved.Count);
        if (refused is not null)
        {
            return refused;
        }

        var headers = http.Response.Headers;
        headers[TotalHeader] = saved.Total.ToString(CultureInfo.InvariantCulture);
        headers[CursorHeader] = saved.Cursor;
        var length = saved.Body.Length;
        if (decision.Granted < saved.Count)
        {
            // Cut to the quota left: the first lines, as a cut list is.
            headers[TruncatedHeader] = "true";
            length = 0;
            for (var lines = 0; lines < decision.Granted; lines++)
            {
                length += saved.Body.AsSpan(length).IndexOf((byte)'\n') + 1;
            }
        }
        else
        {
            headers.ETag = etag;
        }

        headers.CacheControl = "no-cache";
        return new SavedListResult(new ReadOnlyMemory<byte>(saved.Body, 0, length), saved.ContentType);
    }

    /// <summary>
    /// Sends the saved list as the rendered one is sent (<see cref="BlocklistResult"/>): in slices, each flushed, so the
    /// server's output pipe holds one slice at a time. Written whole (one write of ~12 MB at a million addresses), the
    /// server copied it into ~12 MB of newly pooled, pinned buffers on the first pull after the start, which cost that
    /// pull a full collection on the heap the start-up loads had just grown.
    /// </summary>
    private sealed class SavedListResult(ReadOnlyMemory<byte> body, string contentType) : IResult
    {
        private const int Slice = 64 * 1024;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            var output = response.BodyWriter;
            for (var from = 0; from < body.Length; from += Slice)
            {
                output.Write(body.Span.Slice(from, Math.Min(Slice, body.Length - from)));
                var flushed = await output.FlushAsync(httpContext.RequestAborted);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    private static async Task<IResult> Changes(HttpContext http, AccessContext access, BlocklistEngine engine, IQuotaCounter quotas, IClock clock,
        BlocklistQuery query, BlocklistCursor since)
    {
        var changes = await engine.ChangesAsync(query, since, http.RequestAborted);
        var decision = await access.ChargeUpToAsync(changes.Added.Count, quotas, clock);
        if (changes.Added.Count > 0 && decision.Granted == 0)
        {
            return QuotaExhausted(decision);
        }

        var granted = (int)Math.Min(decision.Granted, changes.Added.Count);
        var truncated = granted < changes.Added.Count;
        var sinceText = http.Request.Query["since"].ToString();
        // When cut, the client must ask again from the same point: the cursor does not advance.
        var cursor = truncated ? sinceText : changes.NextCursor;
        var added = new List<BlacklistItem>(granted);
        for (var i = 0; i < granted; i++)
        {
            added.Add(ToItem(changes.Added[i], engine.Geo));
        }

        var meta = new BlacklistMeta(changes.Current.GeneratedAt.ToUnixTimeMilliseconds(), query.ScoreMinimum, query.Limit, added.Count,
            changes.Added.Count, truncated, cursor)
        {
            Since = sinceText,
            Reset = changes.Reset,
            TruncatedReason = truncated ? "quota" : null,
        };
        http.Response.Headers[CursorHeader] = cursor;
        if (truncated)
        {
            http.Response.Headers[TruncatedHeader] = "true";
        }

        return TypedResults.Json(new BlacklistChangesResponse(meta, added, changes.Removed), NativeJsonContext.Api.BlacklistChangesResponse);
    }

    private static BlacklistItem ToItem(in BlocklistEntry entry, IGeoLookup geo)
        => new(entry.Address, entry.Score, entry.LastSeenUnixMilliseconds, entry.Sessions, entry.Protocols, entry.CountryCode,
            entry.Asn?.ToString(CultureInfo.InvariantCulture), entry.Asn is { } asn ? geo.AsName(asn) : null, entry.ExpiresAtUnixMilliseconds);

    private static bool IfNoneMatch(HttpRequest request, string etag) => EntityTags.Matches(request, etag);

    // A whole list: 304 for the current entity tag (free), else charged per address, 429 when nothing is left.
    private static async Task<(IResult? Refused, QuotaDecision Decision)> RevalidateAndChargeAsync(HttpContext http, AccessContext access,
        IQuotaCounter quotas, IClock clock, string etag, int count)
    {
        if (IfNoneMatch(http.Request, etag))
        {
            http.Response.Headers.ETag = etag;
            return (TypedResults.StatusCode(StatusCodes.Status304NotModified), default);
        }

        var decision = await access.ChargeUpToAsync(count, quotas, clock);
        return (count > 0 && decision.Granted == 0 ? QuotaExhausted(decision) : null, decision);
    }

    private static IResult QuotaExhausted(QuotaDecision decision) => NativeResults.Error(StatusCodes.Status429TooManyRequests,
        $"Daily blacklist quota of {decision.Limit} addresses exhausted; it resets at midnight UTC ({WireTime.Rfc3339(decision.ResetsAt)}).");

    private sealed record ParsedRequest(BlocklistQuery Query, BlocklistFormat Format, BlocklistCursor? Since);

    private static bool TryParse(IQueryCollection query, out ParsedRequest request, out string error)
    {
        request = new ParsedRequest(BlocklistQuery.Default, BlocklistFormat.Json, null);
        string? Value(string name) => query.TryGetValue(name, out var values) && !StringValues.IsNullOrEmpty(values) && values[0] is { Length: > 0 } first ? first : null;

        var q = BlocklistQuery.Default;
        string? e = null;
        if (Value("scoreMinimum") is { } score)
        {
            if (!BlocklistParameters.TryParseScore("scoreMinimum", score, out var parsed, out e)) return Failed(e, out error);
            q = q with { ScoreMinimum = parsed };
        }

        if (Value("limit") is { } limit)
        {
            if (!BlocklistParameters.TryParseLimit("limit", limit, out var parsed, out e)) return Failed(e, out error);
            q = q with { Limit = parsed };
        }

        if (Value("onlyCountries") is { } only)
        {
            if (!BlocklistParameters.TryParseCountries("onlyCountries", only, out var parsed, out e)) return Failed(e, out error);
            q = q with { OnlyCountries = parsed };
        }

        if (Value("exceptCountries") is { } except)
        {
            if (!BlocklistParameters.TryParseCountries("exceptCountries", except, out var parsed, out e)) return Failed(e, out error);
            q = q with { ExceptCountries = parsed };
        }

        if (Value("onlyAsn") is { } onlyAsn)
        {
            if (!BlocklistParameters.TryParseAsns("onlyAsn", onlyAsn, out var parsed, out e)) return Failed(e, out error);
            q = q with { OnlyAsns = parsed };
        }

        if (Value("exceptAsn") is { } exceptAsn)
        {
            if (!BlocklistParameters.TryParseAsns("exceptAsn", exceptAsn, out var parsed, out e)) return Failed(e, out error);
            q = q with { ExceptAsns = parsed };
        }

        if (Value("ipVersion") is { } version)
        {
            if (!BlocklistParameters.TryParseIpVersion("ipVersion", version, out var parsed, out e)) return Failed(e, out error);
            q = q with { IpVersion = parsed };
        }

        if (Value("protocols") is { } protocols)
        {
            if (!BlocklistParameters.TryParseProtocols("protocols", protocols, out var parsed, out e)) return Failed(e, out error);
            q = q with { Protocols = parsed };
        }

        if (Value("categories") is { } categories)
        {
            if (!BlocklistParameters.TryParseCategories("categories", categories, out var parsed, out e)) return Failed(e, out error);
            q = q with { Categories = parsed };
        }

        if (Value("minSeverity") is { } severity)
        {
            if (!BlocklistParameters.TryParseSeverity("minSeverity", severity, out var parsed, out e)) return Failed(e, out error);
            q = q with { MinSeverity = parsed };
        }

        if (Value("maxAgeInDays") is { } age)
        {
            if (!BlocklistParameters.TryParseMaxAgeDays("maxAgeInDays", age, out var parsed, out e)) return Failed(e, out error);
            q = q with { MaxAgeDays = parsed };
        }

        if (!TryBool(Value("ignoreWhitelist"), "ignoreWhitelist", out var ignoreWhitelist, out e) || !TryBool(Value("plaintext"), "plaintext", out var plaintext, out e))
        {
            return Failed(e, out error);
        }

        q = q with { IgnoreWhitelist = ignoreWhitelist };
        var format = plaintext ? BlocklistFormat.Plaintext : BlocklistFormat.Json;
        if (Value("format") is { } formatText)
        {
            if (!BlocklistParameters.TryParseFormat("format", formatText, out format, out e)) return Failed(e, out error);
            if (plaintext && format != BlocklistFormat.Plaintext)
            {
                return Failed($"plaintext=true conflicts with format={formatText}; give one of them.", out error);
            }
        }

        if (!BlocklistParameters.TryNarrowToFormat(q, format, out q, out e)) return Failed(e, out error);

        BlocklistCursor? since = null;
        if (Value("since") is { } sinceText)
        {
            if (format != BlocklistFormat.Json)
            {
                return Failed("since (incremental pulls) is answered in JSON only (added and removed); drop plaintext/format or since.", out error);
            }

            if (!BlocklistCursor.TryParse(sinceText, out var cursor, out e)) return Failed(e, out error);
            since = cursor;
        }

        request = new ParsedRequest(q, format, since);
        error = "";
        return true;
    }

    private static bool Failed(string? message, out string error)
    {
        error = message ?? "Invalid parameters.";
        return false;
    }

    private static bool TryBool(string? text, string name, out bool value, out string? error)
    {
        value = false;
        error = null;
        switch (text?.ToLowerInvariant())
        {
            case null:
            case "false" or "0" or "no":
                return true;
            case "true" or "1" or "yes":
                value = true;
                return true;
            default:
                error = $"{name} must be true or false (got '{(text.Length > 40 ? text[..40] : text)}').";
                return false;
        }
    }
}
