using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.Taxii;

/// <summary>
/// TAXII 2.1's dialect: error message resources (<c>title</c>, <c>description</c>, <c>error_code</c>,
/// <c>http_status</c>) with the TAXII media type; content negotiation first (406); credentials by HTTP Basic (key as
/// password) or Bearer, with a Basic challenge on 401.
/// </summary>
public sealed class TaxiiDialect : FaceDialect
{
    public const string Realm = "Palisade TAXII";

    private TaxiiDialect()
    {
    }

    public static TaxiiDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.Taxii;

    /// <inheritdoc />
    public override string ErrorContentType => TaxiiMediaTypes.Taxii;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.TaxiiError);

    public override IResult Error(int status, string message) => status switch
    {
        StatusCodes.Status400BadRequest => TaxiiErrors.BadRequest(message),
        StatusCodes.Status401Unauthorized => TaxiiErrors.Unauthorized(message),
        StatusCodes.Status403Forbidden => TaxiiErrors.Forbidden(message),
        StatusCodes.Status404NotFound => TaxiiErrors.NotFound(message),
        StatusCodes.Status406NotAcceptable => TaxiiErrors.NotAcceptable(message),
        StatusCodes.Status413PayloadTooLarge => TaxiiErrors.Error(status, "Payload too large", message, "too_large"),
        StatusCodes.Status429TooManyRequests => TaxiiErrors.Error(status, "Too many requests", message, "rate_limited"),
        StatusCodes.Status503ServiceUnavailable => TaxiiErrors.Error(status, "Service unavailable", message, "unavailable"),
        >= 500 => TaxiiErrors.Error(status, "Internal error", message, "internal_error"),
        _ => TaxiiErrors.Error(status, "Error", message, "error"),
    };

    public override string? ReadCredential(HttpRequest request) => TaxiiCredentials.Read(request);

    public override PresentedSecret ReadPresentedCredential(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return PresentedSecret.Of(ReadCredential(http.Request));
    }

    public override IResult? Precheck(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var root = http.GetEndpoint()?.Metadata.GetMetadata<TaxiiRoot>() ?? TaxiiRoot.Standard;
        return TaxiiMediaTypes.Refusal(http.Request.Headers.Accept.ToString(), root.SikkerCompatible) is { } refusal
            ? TaxiiErrors.NotAcceptable(refusal)
            : null;
    }

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status) => status switch
    {
        KeyCheckStatus.Revoked => TaxiiErrors.Forbidden("This API key has been revoked. Create a new key."),
        KeyCheckStatus.UnknownTier => TaxiiErrors.Forbidden("This API key's tier no longer exists. Ask the operator to move it to a configured tier."),
        KeyCheckStatus.Invalid => Challenge(http, "The API key is not valid."),
        _ => Challenge(http, "An API key is required: HTTP Basic with the key as password, or Authorization: Bearer <key>."),
    };

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TaxiiErrors.Forbidden($"The {key.Tier.DisplayName} tier does not include the TAXII feed. Upgrade the key's tier.");
    }

    private static TaxiiResult Challenge(HttpContext http, string description)
    {
        http.Response.Headers.WWWAuthenticate = new(["Basic realm=\"" + Realm + "\", charset=\"UTF-8\"", "Bearer realm=\"" + Realm + "\""]);
        return TaxiiErrors.Unauthorized(description);
    }
}
