using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.ReportedIp;

/// <summary>ReportedIP's dialect: the <c>{"meta":{success,code,message},"data":null}</c> envelope with the seed's
/// messages for 401 and 403; a keyed caller is attached as a <see cref="ReportedIpCaller"/> for the handlers.</summary>
public sealed class ReportedIpDialect : FaceDialect
{
    private ReportedIpDialect()
    {
    }

    public static ReportedIpDialect Instance { get; } = new();

    public override string Face => Operations.MetricsFaces.ReportedIp;

    /// <inheritdoc />
    public override Type ErrorContract => typeof(Contracts.ReportedIpEnvelope<object>);

    public override IResult Error(int status, string message) => ReportedIpResults.Error(status, message);

    public override IResult Unauthenticated(HttpContext http, KeyCheckStatus status) => Error(StatusCodes.Status401Unauthorized, ReportedIpResults.Unauthorized);

    public override IResult FeatureDenied(AuthenticatedKey key, Feature feature) => Forbidden;

    public override void Authenticated(HttpContext http, AccessContext access) => ReportedIpCaller.Keyed(access).Attach(http);

    /// <summary>The endpoint's permission in ReportedIP's role table (not a native feature).</summary>
    public static FaceAccessFilter Access(QuotaFamily family, ReportedIpPermission? permission, IKeylessAccess? keyless = null)
        => new(Instance, family, key => permission is not { } needed || ReportedIpRoles.Allows(key.Tier, needed) ? null : Forbidden) { Keyless = keyless };

    private static IResult Forbidden => ReportedIpResults.Error(StatusCodes.Status403Forbidden, ReportedIpResults.Forbidden);
}
