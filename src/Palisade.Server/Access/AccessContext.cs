using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Server.Access;

/// <summary>Per-request access state: the authenticated key, the endpoint's quota family and the last quota decision.</summary>
public sealed class AccessContext(AuthenticatedKey key, QuotaFamily family)
{
    public AuthenticatedKey Key { get; } = key;

    public QuotaFamily Family { get; } = family;

    public QuotaDecision? Decision { get; set; }

    /// <summary>The face answering the request (decides when quota headers carry <c>Retry-After</c>).</summary>
    public Faces.Shared.FaceDialect? Dialect { get; init; }

    /// <summary>Attaches this context to the request as a feature: the server's feature collection is reset per request
    /// and reused on the connection, whereas <c>HttpContext.Items</c> would allocate a dictionary for every request.</summary>
    public void Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(this);
    }

    /// <summary>The context the access filter attached, or null.</summary>
    public static AccessContext? Find(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AccessContext>();
    }

    public static AccessContext From(HttpContext context)
        => Find(context) ?? throw new InvalidOperationException("The endpoint has no access filter.");
}
