using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.IpSwamp;

/// <summary>IPSwamp's dialect: <c>{"error":true,"statusCode":N,"message":"…"}</c>; 401 when no key is sent, 403 for an
/// invalid, revoked or under-privileged key and — as IPSwamp does — for an exhausted quota (with <c>Retry-After</c>).</summary>
public sealed class IpSwampDialect : FaceDialect
{
    private IpSwampDialect()
    {
    }

    public static IpSwampDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.IpSwamp;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.IpSwampError);

    public override IResult Error(int status, string message) => IpSwampResults.Error(status, message);

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status) => status switch
    {
        KeyCheckStatus.Missing => Error(StatusCodes.Status401Unauthorized, IpSwampResults.KeyRequired),
        KeyCheckStatus.Revoked => Error(StatusCodes.Status403Forbidden, "API key has been revoked"),
        KeyCheckStatus.UnknownTier => Error(StatusCodes.Status403Forbidden, "API key's plan no longer exists"),
        _ => Error(StatusCodes.Status403Forbidden, IpSwampResults.InvalidKey),
    };

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Error(StatusCodes.Status403Forbidden, $"Your plan ({key.Tier.DisplayName}) does not include this endpoint.");
    }

    public override bool WantsRetryAfter(int status, QuotaDecision decision) => !decision.Allowed;
}
