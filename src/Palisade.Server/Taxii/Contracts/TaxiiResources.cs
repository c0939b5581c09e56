using System.Text.Json;
using System.Text.Json.Serialization;

namespace Palisade.Server.Taxii.Contracts;

// TAXII 2.1's resources (OASIS TAXII 2.1, section 4), as TaxiiApi writes them with a Utf8JsonWriter: the handlers
// stream pages without building these objects, so these records exist for the OpenAPI document. OpenApiDocumentTests
// checks that the bodies the server answers use no field these records do not describe.

/// <summary>The discovery resource (<c>GET /taxii2/</c>).</summary>
/// <param name="Title">The server's name.</param>
/// <param name="Description">What the server publishes.</param>
/// <param name="Default">The default API root's URL (absolute when <c>Palisade:PublicBaseUrl</c> is set).</param>
/// <param name="ApiRoots">Every API root's URL.</param>
public sealed record TaxiiDiscovery(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("default")] string Default,
    [property: JsonPropertyName("api_roots")] IReadOnlyList<string> ApiRoots);

/// <summary>The API root resource (<c>GET /taxii2/palisade/</c>).</summary>
/// <param name="Title">The API root's name.</param>
/// <param name="Description">What its collections hold.</param>
/// <param name="Versions">The TAXII versions spoken (<c>application/taxii+json;version=2.1</c>).</param>
/// <param name="MaxContentLength">The largest request body accepted, in bytes (<c>Palisade:Taxii:MaxContentLength</c>).</param>
public sealed record TaxiiApiRootResource(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("max_content_length")] int MaxContentLength);

/// <summary>A collection resource: the indicators of every scored address, or of the high-confidence ones.</summary>
/// <param name="Id">The collection's UUID.</param>
/// <param name="Title">Its name.</param>
/// <param name="Description">What it holds.</param>
/// <param name="Alias">A short name usable in place of the id.</param>
/// <param name="CanRead">Always true.</param>
/// <param name="CanWrite">Always false: Palisade publishes indicators, it does not accept them.</param>
/// <param name="MediaTypes">The STIX media type of its objects.</param>
public sealed record TaxiiCollectionResource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("can_read")] bool CanRead,
    [property: JsonPropertyName("can_write")] bool CanWrite,
    [property: JsonPropertyName("media_types")] IReadOnlyList<string> MediaTypes);

/// <summary>The collections resource (<c>GET …/collections/</c>).</summary>
/// <param name="Collections">Every collection.</param>
public sealed record TaxiiCollectionsResource(
    [property: JsonPropertyName("collections")] IReadOnlyList<TaxiiCollectionResource> Collections);

/// <summary>An envelope of STIX objects (<c>GET …/objects/</c> and <c>…/objects/{id}/</c>), one page.</summary>
/// <param name="More">More pages follow.</param>
/// <param name="Next">The <c>next</c> parameter of the following page, when there is one.</param>
/// <param name="Objects">STIX 2.1 objects: the identity, indicators (one per address version), revocations.</param>
public sealed record TaxiiEnvelope(
    [property: JsonPropertyName("more")] bool More,
    [property: JsonPropertyName("next")] string? Next,
    [property: JsonPropertyName("objects")] IReadOnlyList<JsonElement>? Objects);

/// <summary>One manifest record: an object version and when it was added.</summary>
/// <param name="Id">The STIX id.</param>
/// <param name="DateAdded">When this version was added to the collection (microseconds).</param>
/// <param name="Version">The version's <c>modified</c> timestamp.</param>
/// <param name="MediaType">The STIX media type.</param>
public sealed record TaxiiManifestRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("date_added")] string DateAdded,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("media_type")] string MediaType);

/// <summary>The manifest resource (<c>GET …/manifest/</c>), one page.</summary>
/// <param name="More">More pages follow.</param>
/// <param name="Next">The <c>next</c> parameter of the following page, when there is one.</param>
/// <param name="Objects">The manifest records of the page.</param>
public sealed record TaxiiManifest(
    [property: JsonPropertyName("more")] bool More,
    [property: JsonPropertyName("next")] string? Next,
    [property: JsonPropertyName("objects")] IReadOnlyList<TaxiiManifestRecord>? Objects);

/// <summary>The versions resource (<c>GET …/objects/{id}/versions/</c>), one page.</summary>
/// <param name="More">More pages follow.</param>
/// <param name="Next">The <c>next</c> parameter of the following page, when there is one.</param>
/// <param name="Versions">The object's <c>modified</c> timestamps, oldest first.</param>
public sealed record TaxiiVersions(
    [property: JsonPropertyName("more")] bool More,
    [property: JsonPropertyName("next")] string? Next,
    [property: JsonPropertyName("versions")] IReadOnlyList<string>? Versions);

/// <summary>TAXII's error message resource, the body of every TAXII error.</summary>
/// <param name="Title">A short title.</param>
/// <param name="Description">What went wrong and what to do.</param>
/// <param name="ErrorCode">A machine-readable code (<c>not_found</c>, <c>unauthorized</c>, …).</param>
/// <param name="HttpStatus">The HTTP status, as a string.</param>
public sealed record TaxiiError(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("http_status")] string HttpStatus);
