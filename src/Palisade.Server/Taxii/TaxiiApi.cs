using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Addresses;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Stix;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Taxii.Contracts;

namespace Palisade.Server.Taxii;

/// <summary>
/// The read-only TAXII 2.1 server: discovery at <c>/taxii2/</c>, the API root <c>/taxii2/palisade/</c> with its
/// collections, objects, object, versions and manifest endpoints, and SikkerAPI's <c>/taxii2/collections/…</c> paths
/// over the same data. Trailing slashes are optional and never redirected.
/// </summary>
public static class TaxiiApi
{
    public const string DateAddedFirstHeader = "X-TAXII-Date-Added-First";
    public const string DateAddedLastHeader = "X-TAXII-Date-Added-Last";

    public static IEndpointRouteBuilder MapTaxiiApi(this IEndpointRouteBuilder app)
    {
        var open = new FaceAccessFilter(TaxiiDialect.Instance, QuotaFamily.Taxii, Feature.Taxii) { Keyless = OpenKeylessAccess.Instance, Metered = false };
        var keyed = TaxiiDialect.Instance.Access(QuotaFamily.Taxii, Feature.Taxii);
        var dialect = TaxiiDialect.Instance;
        app.MapGet("/taxii2/", Discovery).AddEndpointFilter(open).WithMetadata(TaxiiRoot.Sikker).WithTags("TAXII")
            .WithName("TaxiiDiscovery").WithSummary("TAXII discovery: the server and its API roots.")
            .Produces<TaxiiDiscovery>(StatusCodes.Status200OK, TaxiiMediaTypes.Taxii).ProducesFaceErrors(dialect, StatusCodes.Status406NotAcceptable);

        var standard = app.MapGroup("/taxii2/palisade").WithMetadata(TaxiiRoot.Standard).WithTags("TAXII").ProducesFaceErrors(dialect)
            .ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status406NotAcceptable);
        standard.MapGet("/", ApiRoot).AddEndpointFilter(open)
            .WithName("TaxiiApiRoot").WithSummary("TAXII API root: its versions and the largest body it takes.")
            .Produces<TaxiiApiRootResource>(StatusCodes.Status200OK, TaxiiMediaTypes.Taxii);
        MapCollections(standard, open, keyed, "Taxii", "TAXII");

        var sikker = app.MapGroup("/taxii2").WithMetadata(TaxiiRoot.Sikker).WithTags("TAXII").ProducesFaceErrors(dialect)
            .ProducesFaceErrors(dialect, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status406NotAcceptable);
        MapCollections(sikker, open, keyed, "SikkerTaxii", "TAXII (SikkerAPI's paths, no API root segment)");

        // Anything else under /taxii2 is a TAXII 404, not an empty page or someone else's error shape. Mapped as a
        // RequestDelegate: the Request Delegate Generator's MapFallback(pattern, Delegate) drops the pattern (it maps
        // "{*path:nonfile}", so every unmatched path of the server, and every wrong method, got this TAXII 404).
        app.MapFallback("/taxii2/{**rest}", (RequestDelegate)UnknownPathAsync).ExcludeFromDescription();
        return app;
    }

    /// <param name="root">The API root's route group.</param>
    /// <param name="open">The access filter of the resources anyone may read.</param>
    /// <param name="keyed">The access filter of the resources that need a key (and count against its TAXII quota).</param>
    /// <param name="name">Prefix of the operations' names (the two roots serve the same resources).</param>
    /// <param name="what">Prefix of their summaries.</param>
    private static void MapCollections(RouteGroupBuilder root, FaceAccessFilter open, FaceAccessFilter keyed, string name, string what)
    {
        const string taxii = TaxiiMediaTypes.Taxii;
        var dialect = TaxiiDialect.Instance;
        root.MapGet("/collections/", Collections).AddEndpointFilter(open)
            .WithName(name + "Collections").WithSummary(what + " collections: every collection of the API root.")
            .Produces<TaxiiCollectionsResource>(StatusCodes.Status200OK, taxii);
        root.MapGet("/collections/{collectionId}/", Collection).AddEndpointFilter(open)
            .WithName(name + "Collection").WithSummary(what + " collection: one collection, by id or alias.")
            .Produces<TaxiiCollectionResource>(StatusCodes.Status200OK, taxii);
        root.MapGet("/collections/{collectionId}/objects/", Objects).AddEndpointFilter(keyed)
            .WithName(name + "Objects").WithSummary(what + " objects: a page of STIX indicators (added_after, limit, next, match[id|type|version|spec_version]).")
            .Produces<TaxiiEnvelope>(StatusCodes.Status200OK, taxii);
        root.MapPost("/collections/{collectionId}/objects/", AddObjects).AddEndpointFilter(keyed)
            .WithName(name + "AddObjects").WithSummary(what + " add objects: always refused, the collections are read-only (403).")
            .ProducesFaceErrors(dialect, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        root.MapGet("/collections/{collectionId}/objects/{objectId}/", Object).AddEndpointFilter(keyed)
            .WithName(name + "Object").WithSummary(what + " object: the versions of one object (by STIX id or address).")
            .Produces<TaxiiEnvelope>(StatusCodes.Status200OK, taxii);
        root.MapDelete("/collections/{collectionId}/objects/{objectId}/", DeleteObject).AddEndpointFilter(keyed)
            .WithName(name + "DeleteObject").WithSummary(what + " delete object: always refused, the collections are read-only (403).");
        root.MapGet("/collections/{collectionId}/objects/{objectId}/versions/", Versions).AddEndpointFilter(keyed)
            .WithName(name + "Versions").WithSummary(what + " versions: the version timestamps of one object.")
            .Produces<TaxiiVersions>(StatusCodes.Status200OK, taxii);
        root.MapGet("/collections/{collectionId}/manifest/", Manifest).AddEndpointFilter(keyed)
            .WithName(name + "Manifest").WithSummary(what + " manifest: object versions and when they were added, without the objects.")
            .Produces<TaxiiManifest>(StatusCodes.Status200OK, taxii);
        root.MapGet("/status/{statusId}/", Status).AddEndpointFilter(keyed)
            .WithName(name + "Status").WithSummary(what + " status: always 404, this server accepts no writes and keeps no status resources.");
    }

    public static IResult Discovery(PalisadeOptions options)
    {
        var apiRoot = (options.PublicBaseUrl?.TrimEnd('/') ?? string.Empty) + TaxiiRoot.ApiRootPath;
        return new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteString("title", "Palisade TAXII 2.1 server");
            writer.WriteString("description", "STIX 2.1 indicators for every address Palisade scores. Read-only.");
            writer.WriteString("default", apiRoot);
            TaxiiJson.StringArray(writer, "api_roots", [apiRoot]);
        }));
    }

    public static IResult ApiRoot(TaxiiOptions options)
        => new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteString("title", "Palisade");
            writer.WriteString("description", "IP reputation indicators: every scored address, and the high-confidence ones.");
            TaxiiJson.StringArray(writer, "versions", [TaxiiMediaTypes.Taxii]);
            writer.WriteNumber("max_content_length", options.MaxContentLength);
        }));

    public static IResult Collections()
        => new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteStartArray("collections");
            foreach (var collection in TaxiiCollections.All)
            {
                WriteCollection(writer, collection);
            }

            writer.WriteEndArray();
        }));

    public static IResult Collection(string collectionId)
        => TaxiiCollections.Resolve(collectionId) is { } collection
            ? new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer => WriteCollectionProperties(writer, collection)))
            : UnknownCollection(collectionId);

    public static async Task<IResult> Objects(string collectionId, HttpContext http, TaxiiPageRequestParser parser, StixPublisher publisher,
        ITaxiiStore store, TaxiiCursorCodec cursors, IQuotaCounter quotas, IClock clock)
    {
        if (TaxiiCollections.Resolve(collectionId) is not { } collection)
        {
            return UnknownCollection(collectionId);
        }

        var (request, error) = await parser.ParseAsync(http.Request.Query, TaxiiEndpoint.Objects, collection.Collection, null, http.RequestAborted);
        if (request is null)
        {
            return TaxiiErrors.BadRequest(error!);
        }

        return await ObjectPageAsync(http, request, TaxiiEndpoint.Objects, null, publisher, store, cursors, quotas, clock);
    }

    public static async Task<IResult> Object(string collectionId, string objectId, HttpContext http, TaxiiPageRequestParser parser,
        StixPublisher publisher, ITaxiiStore store, TaxiiCursorCodec cursors, IQuotaCounter quotas, IClock clock)
    {
        if (TaxiiCollections.Resolve(collectionId) is not { } collection)
        {
            return UnknownCollection(collectionId);
        }

        await publisher.CatchUpAsync(http.RequestAborted);
        if (!StixIdentifiers.IsIdentifier(objectId))
        {
            await publisher.WaitUntilLoadedAsync(http.RequestAborted); // an address is resolved through the loaded heads
        }

        if (ResolveObjectId(objectId, publisher) is not { } id)
        {
            return UnknownObject(objectId);
        }

        var (request, error) = await parser.ParseAsync(http.Request.Query, TaxiiEndpoint.Object, collection.Collection, id, http.RequestAborted);
        if (request is null)
        {
            return TaxiiErrors.BadRequest(error!);
        }

        if (!await ExistsAsync(store, collection.Collection, id, http.RequestAborted))
        {
            return UnknownObject(objectId);
        }

        return await ObjectPageAsync(http, request, TaxiiEndpoint.Object, id, publisher, store, cursors, quotas, clock);
    }

    public static async Task<IResult> Versions(string collectionId, string objectId, HttpContext http, TaxiiPageRequestParser parser,
        StixPublisher publisher, ITaxiiStore store, TaxiiCursorCodec cursors)
    {
        if (TaxiiCollections.Resolve(collectionId) is not { } collection)
        {
            return UnknownCollection(collectionId);
        }

        await publisher.CatchUpAsync(http.RequestAborted);
        if (ResolveObjectId(objectId, publisher) is not { } id || !await ExistsAsync(store, collection.Collection, id, http.RequestAborted))
        {
            return UnknownObject(objectId);
        }

        var (request, error) = await parser.ParseAsync(http.Request.Query, TaxiiEndpoint.Versions, collection.Collection, id, http.RequestAborted);
        if (request is null)
        {
            return TaxiiErrors.BadRequest(error!);
        }

        var (page, more) = await FetchAsync(request, store, http.RequestAborted);
        var next = more ? await NextAsync(cursors, request, TaxiiEndpoint.Versions, id, page[^1].DateAdded, http.RequestAborted) : null;
        WriteDateHeaders(http, page);
        return new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteBoolean("more", more);
            if (next is not null)
            {
                writer.WriteString("next", next);
            }

            if (page.Count > 0)
            {
                TaxiiJson.StringArray(writer, "versions", page.Select(v => StixTimestamp.Milliseconds(v.Modified)));
            }
        }));
    }

    public static async Task<IResult> Manifest(string collectionId, HttpContext http, TaxiiPageRequestParser parser, StixPublisher publisher,
        ITaxiiStore store, TaxiiCursorCodec cursors)
    {
        if (TaxiiCollections.Resolve(collectionId) is not { } collection)
        {
            return UnknownCollection(collectionId);
        }

        var (request, error) = await parser.ParseAsync(http.Request.Query, TaxiiEndpoint.Manifest, collection.Collection, null, http.RequestAborted);
        if (request is null)
        {
            return TaxiiErrors.BadRequest(error!);
        }

        await publisher.CatchUpAsync(http.RequestAborted);
        var (page, more) = await FetchAsync(request, store, http.RequestAborted);
        var next = more ? await NextAsync(cursors, request, TaxiiEndpoint.Manifest, null, page[^1].DateAdded, http.RequestAborted) : null;
        WriteDateHeaders(http, page);
        return new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteBoolean("more", more);
            if (next is not null)
            {
                writer.WriteString("next", next);
            }

            if (page.Count > 0)
            {
                writer.WriteStartArray("objects");
                foreach (var version in page)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", version.ObjectId);
                    writer.WriteString("date_added", StixTimestamp.Microseconds(version.DateAdded));
                    writer.WriteString("version", StixTimestamp.Milliseconds(version.Modified));
                    writer.WriteString("media_type", TaxiiMediaTypes.Stix);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
        }));
    }

    public static IResult AddObjects(string collectionId, HttpContext http, TaxiiOptions options)
    {
        if (TaxiiCollections.Resolve(collectionId) is null)
        {
            return UnknownCollection(collectionId);
        }

        if (http.Request.ContentLength > options.MaxContentLength)
        {
            return TaxiiErrors.Error(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"The body is larger than max_content_length ({options.MaxContentLength} bytes).", "too_large");
        }

        var contentType = http.Request.ContentType ?? string.Empty;
        if (!contentType.Split(';')[0].Trim().Equals("application/taxii+json", StringComparison.OrdinalIgnoreCase))
        {
            return TaxiiErrors.Error(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Objects are sent as {TaxiiMediaTypes.Taxii}; this collection is read-only in any case.", "unsupported_media_type");
        }

        return TaxiiErrors.Forbidden("This collection is read-only (can_write is false): Palisade publishes indicators, it does not accept them.");
    }

    public static IResult DeleteObject(string collectionId)
        => TaxiiCollections.Resolve(collectionId) is null
            ? UnknownCollection(collectionId)
            : TaxiiErrors.Forbidden("This collection is read-only (can_write is false); objects cannot be deleted.");

    public static IResult Status(string statusId)
        => TaxiiErrors.NotFound($"No status resource '{Shorten(statusId)}': this server accepts no writes, so it has no status resources.");

    private static Task UnknownPathAsync(HttpContext http) => UnknownPath(http).ExecuteAsync(http);

    public static IResult UnknownPath(HttpContext http)
        => TaxiiErrors.NotFound($"No TAXII resource at {Shorten(http.Request.Path.Value ?? string.Empty)}. Discovery is at /taxii2/, the API root at {TaxiiRoot.ApiRootPath}.");

    private static async Task<IResult> ObjectPageAsync(HttpContext http, TaxiiPageRequest request, TaxiiEndpoint endpoint, string? objectId,
        StixPublisher publisher, ITaxiiStore store, TaxiiCursorCodec cursors, IQuotaCounter quotas, IClock clock)
    {
        await publisher.CatchUpAsync(http.RequestAborted);
        var (page, more) = await FetchAsync(request, store, http.RequestAborted);

        // One TAXII unit per indicator returned; a nearly spent quota cuts the page (more=true, the cursor resumes there).
        var indicators = page.Count(v => v.ObjectType == "indicator");
        if (indicators > 0)
        {
            var access = AccessContext.From(http);
            var decision = await access.ChargeUpToAsync(indicators, quotas, clock, QuotaFamily.Taxii);
            if (decision.Granted < indicators)
            {
                var granted = decision.Granted;
                var kept = new List<StixVersion>();
                foreach (var version in page)
                {
                    if (version.ObjectType == "indicator")
                    {
                        if (granted == 0)
                        {
                            break;
                        }

                        granted--;
                    }

                    kept.Add(version);
                }

                if (kept.Count == 0)
                {
                    return TaxiiErrors.Error(StatusCodes.Status429TooManyRequests, "Quota exhausted",
                        $"The daily TAXII quota of {decision.Limit} indicators is used up; it resets at midnight UTC.", "quota_exceeded",
                        withErrorField: http.GetEndpoint()?.Metadata.GetMetadata<TaxiiRoot>()?.SikkerCompatible == true);
                }

                page = kept;
                more = true;
            }
        }

        var next = more ? await NextAsync(cursors, request, endpoint, objectId, page[^1].DateAdded, http.RequestAborted) : null;
        WriteDateHeaders(http, page);
        return new TaxiiResult(StatusCodes.Status200OK, TaxiiJson.Object(writer =>
        {
            writer.WriteBoolean("more", more);
            if (next is not null)
            {
                writer.WriteString("next", next);
            }

            if (page.Count > 0)
            {
                writer.WriteStartArray("objects");
                foreach (var version in page)
                {
                    if (version is { StoredBody: null, Indicator: { } indicator })
                    {
                        StixObjects.WriteIndicator(writer, indicator);
                    }
                    else
                    {
                        writer.WriteRawValue(version.Body, skipInputValidation: true);
                    }
                }

                writer.WriteEndArray();
            }
        }));
    }

    private static async Task<(IReadOnlyList<StixVersion> Page, bool More)> FetchAsync(TaxiiPageRequest request, ITaxiiStore store, CancellationToken cancellationToken)
    {
        if (request.MatchesNothing)
        {
            return ([], false);
        }

        var rows = await store.QueryAsync(request.Query, cancellationToken);
        return rows.Count > request.Limit ? (rows.Take(request.Limit).ToList(), true) : (rows, false);
    }

    private static Task<string> NextAsync(TaxiiCursorCodec cursors, TaxiiPageRequest request, TaxiiEndpoint endpoint, string? objectId, long position,
        CancellationToken cancellationToken)
        => cursors.EncodeAsync(new TaxiiCursor((int)request.Query.Collection, endpoint.Name, objectId, position, request.Filters), cancellationToken);

    private static void WriteDateHeaders(HttpContext http, IReadOnlyList<StixVersion> page)
    {
        if (page.Count == 0)
        {
            return;
        }

        http.Response.Headers[DateAddedFirstHeader] = StixTimestamp.Microseconds(page[0].DateAdded);
        http.Response.Headers[DateAddedLastHeader] = StixTimestamp.Microseconds(page[^1].DateAdded);
    }

    private static async Task<bool> ExistsAsync(ITaxiiStore store, StixCollection collection, string objectId, CancellationToken cancellationToken)
        => (await store.QueryAsync(new StixVersionQuery(collection, null, 1) { Ids = [objectId], Versions = VersionSelection.Every }, cancellationToken)).Count > 0;

    /// <summary>A STIX id as is; an IP address (SikkerAPI's CLI sends one) as its current indicator's id.</summary>
    private static string? ResolveObjectId(string objectId, StixPublisher publisher)
    {
        if (StixIdentifiers.IsIdentifier(objectId))
        {
            return objectId;
        }

        return IpAddressParser.TryParse(objectId, out var address, out _) ? publisher.ObjectIdOf(address.Text) : null;
    }

    private static void WriteCollection(Utf8JsonWriter writer, TaxiiCollectionInfo collection)
    {
        writer.WriteStartObject();
        WriteCollectionProperties(writer, collection);
        writer.WriteEndObject();
    }

    private static void WriteCollectionProperties(Utf8JsonWriter writer, TaxiiCollectionInfo collection)
    {
        writer.WriteString("id", collection.Id);
        writer.WriteString("title", collection.Title);
        writer.WriteString("description", collection.Description);
        writer.WriteString("alias", collection.Alias);
        writer.WriteBoolean("can_read", true);
        writer.WriteBoolean("can_write", false);
        TaxiiJson.StringArray(writer, "media_types", [TaxiiMediaTypes.Stix]);
    }

    private static TaxiiResult UnknownCollection(string collectionId)
        => TaxiiErrors.NotFound($"No collection '{Shorten(collectionId)}'. Collections are listed at {TaxiiRoot.ApiRootPath}collections/.");

    private static TaxiiResult UnknownObject(string objectId)
        => TaxiiErrors.NotFound($"No object '{Shorten(objectId)}' in this collection.");

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
