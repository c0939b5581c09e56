using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Server.Access;

/// <summary>Per-request access state: the authenticated key, the endpoint's quota family and the last quota decision.</summary>
public sealed class AccessContext(AuthenticatedKey key, QuotaFamily family)
{
    private static readonly object ItemKey = new();

    public AuthenticatedKey Key { get; } = key;

    public QuotaFamily Family { get; } = family;

    public QuotaDecision? Decision { get; set; }

    /// <summary>The face answering the request (decides when quota headers carry <c>Retry-After</c>).</summary>
    public Faces.Shared.FaceDialect? Dialect { get; init; }

    public void Attach(HttpContext context) => context.Items[ItemKey] = this;

    public static AccessContext From(HttpContext context)
        => context.Items.TryGetValue(ItemKey, out var value) && value is AccessContext access
            ? access
            : throw new InvalidOperationException("The endpoint has no access filter.");
}
