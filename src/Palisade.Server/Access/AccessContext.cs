using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Server.Access;

/// <summary>Per-request access state: the authenticated key, the endpoint's quota family and the last quota decision.</summary>
public sealed class AccessContext(AuthenticatedKey key, QuotaFamily family)
{
    private Faces.Shared.FaceDialect? _dialect;

    public AuthenticatedKey Key { get; private set; } = key;

    public QuotaFamily Family { get; private set; } = family;

    public QuotaDecision? Decision { get; set; }

    /// <summary>The face answering the request (decides when quota headers carry <c>Retry-After</c>).</summary>
    public Faces.Shared.FaceDialect? Dialect { get => _dialect; init => _dialect = value; }

    /// <summary>Attaches this context to the request as a feature: the server's feature collection is reset per request
    /// and reused on the connection, whereas <c>HttpContext.Items</c> would allocate a dictionary for every request.</summary>
    public void Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(this);
    }

    /// <summary>
    /// Attaches a context for an admitted request and returns it. On an HTTP/1.x connection, whose requests run one after
    /// the other, the connection keeps one context and each admitted request gets it reset (key, family, face, no
    /// decision): a context is read only while its request runs (the handler, the quota headers, the metrics middleware
    /// after it), so it is free again once the next request starts. HTTP/2 (streams at once) gets a new context each time.
    /// </summary>
    public static AccessContext AttachNew(HttpContext context, AuthenticatedKey key, QuotaFamily family, Faces.Shared.FaceDialect? dialect)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        AccessContext access;
        if ((HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            && context.Features.Get<IConnectionItemsFeature>()?.Items is { } connection)
        {
            if (connection.TryGetValue(ConnectionSlot, out var kept) && kept is AccessContext spare)
            {
                spare.Key = key;
                spare.Family = family;
                spare._dialect = dialect;
                spare.Decision = null;
                access = spare;
            }
            else
            {
                access = new AccessContext(key, family) { Dialect = dialect };
                connection[ConnectionSlot] = access;
            }
        }
        else
        {
            access = new AccessContext(key, family) { Dialect = dialect };
        }

        context.Features.Set(access);
        return access;
    }

    private static readonly object ConnectionSlot = new();

    /// <summary>The context the access filter attached, or null.</summary>
    public static AccessContext? Find(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AccessContext>();
    }

    public static AccessContext From(HttpContext context)
        => Find(context) ?? throw new InvalidOperationException("The endpoint has no access filter.");
}
