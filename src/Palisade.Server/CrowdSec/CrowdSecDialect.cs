using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.CrowdSec;

/// <summary>LAPI's dialect: <c>{"message":"…"}</c>; any missing, wrong or revoked key, or a tier without blocklists,
/// is 403 <c>access forbidden</c>, as LAPI answers bouncers.</summary>
public sealed class CrowdSecDialect : FaceDialect
{
    public const string AccessForbidden = "access forbidden";

    private CrowdSecDialect()
    {
    }

    public static CrowdSecDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.CrowdSec;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.CrowdSecMessage);

    public override IResult Error(int status, string message) => CrowdSecResults.Error(status, message);

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status) => Error(StatusCodes.Status403Forbidden, AccessForbidden);

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature) => Error(StatusCodes.Status403Forbidden, AccessForbidden);
}
