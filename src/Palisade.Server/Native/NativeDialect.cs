using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.Native;

/// <summary>The native (SikkerAPI) dialect: <c>{"error":"…"}</c>; 401 for a missing or unknown key, 403 for a revoked one.</summary>
public sealed class NativeDialect : FaceDialect
{
    public const string MissingKeyMessage = "Valid API key required. Use Authorization: Bearer sk_...";

    private NativeDialect()
    {
    }

    public static NativeDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.Native;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.NativeError);

    public override IResult Error(int status, string message) => NativeResults.Error(status, message);

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status) => status switch
    {
        KeyCheckStatus.Revoked => Error(StatusCodes.Status403Forbidden, "This API key has been revoked. Create a new key."),
        KeyCheckStatus.UnknownTier => Error(StatusCodes.Status403Forbidden,
            "This API key's tier no longer exists. Ask the operator to move it to a configured tier."),
        KeyCheckStatus.Invalid => Error(StatusCodes.Status401Unauthorized, "Invalid API key. " + MissingKeyMessage),
        _ => Error(StatusCodes.Status401Unauthorized, MissingKeyMessage),
    };

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Error(StatusCodes.Status403Forbidden, $"The {key.Tier.DisplayName} tier does not include {feature}. Upgrade the key's tier.");
    }
}
