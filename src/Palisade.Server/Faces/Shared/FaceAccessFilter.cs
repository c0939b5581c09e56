using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// The one access filter in front of every keyed endpoint of every face: credential → key ring → tier feature →
/// access context → quota headers on the response. Refusals are worded by the face's <see cref="FaceDialect"/>.
/// </summary>
public sealed class FaceAccessFilter : IEndpointFilter
{
    private readonly FaceDialect _dialect;
    private readonly QuotaFamily _family;
    private readonly Func<AuthenticatedKey, IResult?> _authorize;

    /// <summary>An endpoint that needs a key whose tier has <paramref name="feature"/>.</summary>
    public FaceAccessFilter(FaceDialect dialect, QuotaFamily family, Feature feature)
        : this(dialect, family, key => key.Tier.Allows(feature) ? null : dialect.FeatureDenied(key, feature))
    {
    }

    /// <summary>An endpoint with its own authorization (<paramref name="authorize"/> answers the refusal, or null).</summary>
    public FaceAccessFilter(FaceDialect dialect, QuotaFamily family, Func<AuthenticatedKey, IResult?> authorize)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(authorize);
        _dialect = dialect;
        _family = family;
        _authorize = authorize;
    }

    /// <summary>Requests without a credential go here instead of being refused (public endpoints); null = key required.</summary>
    public IKeylessAccess? Keyless { get; init; }

    /// <summary>False for open metadata endpoints: a presented key must be valid, but is neither authorized nor metered.</summary>
    public bool Metered { get; init; } = true;

    /// <summary>
    /// The application's (root) services, when the endpoint's map call passes them: the key ring is then taken from
    /// there, once, rather than from <c>HttpContext.RequestServices</c>, whose first use creates a service scope for the
    /// request. For the hottest endpoints, whose handlers also resolve no service per request.
    /// </summary>
    public IServiceProvider? ApplicationServices { get; init; }

    private KeyRing? _keys;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (_dialect.Precheck(http) is { } refused)
        {
            return refused;
        }

        var secret = _dialect.ReadCredential(http.Request);
        if (secret is null && Keyless is { } keyless)
        {
            return await keyless.InvokeAsync(context, next);
        }

        var keys = ApplicationServices is { } services ? _keys ??= services.GetRequiredService<KeyRing>() : http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(secret, http.RequestAborted);
        if (check.Status != KeyCheckStatus.Valid)
        {
            return _dialect.Unauthenticated(http, check.Status);
        }

        var key = check.Key!;
        if (!Metered)
        {
            return await next(context);
        }

        if (_authorize(key) is { } denied)
        {
            return denied;
        }

        var access = new AccessContext(key, _family) { Dialect = _dialect };
        access.Attach(http);
        _dialect.Authenticated(http, access);
        http.Response.OnStarting(WriteQuotaHeaders, http);
        return await next(context);
    }

    // Static with the context as state (no closure per request); the handler has nearly always taken its decision.
    private static Task WriteQuotaHeaders(object state)
    {
        var http = (HttpContext)state;
        var access = AccessContext.From(http);
        if (access.Decision is { } decision)
        {
            Write(http, access, decision);
            return Task.CompletedTask;
        }

        return PeekAndWriteAsync(http, access);
    }

    private static async Task PeekAndWriteAsync(HttpContext http, AccessContext access)
    {
        var clock = http.RequestServices.GetRequiredService<IClock>();
        QuotaDecision decision;
        try
        {
            decision = await http.RequestServices.GetRequiredService<IQuotaCounter>()
                .PeekAsync(access.Key.Key.Id, access.Family, access.Key.LimitFor(access.Family), clock.UtcNow);
        }
        catch (QuotaUnavailableException)
        {
            return; // the counters are unreachable (the response says so in the face's shape); send it without quota headers
        }

        Write(http, access, decision);
    }

    private static void Write(HttpContext http, AccessContext access, QuotaDecision decision)
    {
        QuotaHeaders.Write(http.Response.Headers, decision);
        if ((access.Dialect?.WantsRetryAfter(http.Response.StatusCode, decision)) ?? http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            QuotaHeaders.WriteRetryAfter(http.Response.Headers, http.RequestServices.GetRequiredService<IClock>().UtcNow);
        }
    }
}

/// <summary>What a public endpoint does with a request that presents no key (e.g. charge a per-address quota).</summary>
public interface IKeylessAccess
{
    ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next);
}

/// <summary>Keyless requests go straight to the handler (open metadata endpoints).</summary>
public sealed class OpenKeylessAccess : IKeylessAccess
{
    public static OpenKeylessAccess Instance { get; } = new();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context);
    }
}
