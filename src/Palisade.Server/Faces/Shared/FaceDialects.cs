using Microsoft.AspNetCore.Http;
using Palisade.Server.AbuseIpdb;
using Palisade.Server.CrowdSec;
using Palisade.Server.IpSwamp;
using Palisade.Server.Native;
using Palisade.Server.Operations;
using Palisade.Server.ReportedIp;
using Palisade.Server.Taxii;

namespace Palisade.Server.Faces.Shared;

/// <summary>Finds the dialect a request is answered in: by its endpoint's metadata, else by its path (errors raised
/// before routing, unknown paths under a face's prefix). Paths outside every face get the native dialect.</summary>
public static class FaceDialects
{
    public static FaceDialect For(HttpContext context, Endpoint? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if ((endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<FaceDialect>() is { } declared)
        {
            return declared;
        }

        return MetricsFaces.Of(context.Request.Path) switch
        {
            MetricsFaces.AbuseIpdb => AbuseIpdbDialect.Instance,
            MetricsFaces.ReportedIp => ReportedIpDialect.Instance,
            MetricsFaces.IpSwamp => IpSwampDialect.Instance,
            MetricsFaces.CrowdSec => CrowdSecDialect.Instance,
            MetricsFaces.Taxii => TaxiiDialect.Instance,
            _ => NativeDialect.Instance,
        };
    }
}
