using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.AbuseIpdb;

/// <summary>AbuseIPDB's dialect: <c>{"errors":[{"detail","status"}]}</c>; 401 for any missing, wrong or revoked key,
/// as AbuseIPDB does; 403 when the tier lacks the endpoint.</summary>
public sealed class AbuseIpdbDialect : FaceDialect
{
    private AbuseIpdbDialect()
    {
    }

    public static AbuseIpdbDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.AbuseIpdb;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.AbuseIpdbErrorBody);

    public override IResult Error(int status, string message) => AbuseIpdbResults.Error(status, message);

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status)
        => Error(StatusCodes.Status401Unauthorized, AbuseIpdbResults.AuthenticationFailed);

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Error(StatusCodes.Status403Forbidden,
            $"Your plan ({key.Tier.DisplayName}) does not include this endpoint ({feature}). Upgrade the key's tier.");
    }
}
