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

        KeyCheck check;
        if (Keyless is { } keyless)
        {
            var secret = _dialect.ReadCredential(http.Request);
            if (secret is null)
            {
                return await keyless.InvokeAsync(context, next);
            }

            check = await Keys(http).AuthenticateAsync(secret, http.RequestAborted);
        }
        else
        {
            check = await Keys(http).AuthenticateAsync(_dialect.ReadPresentedCredential(http), http.RequestAborted);
        }

        if (check.Status == KeyCheckStatus.Valid && !Metered)
        {
            return await next(context);
        }

        if (Admit(http, check) is { } denied)
        {
            return denied;
        }

        WriteQuotaHeadersOnStart(http);
        return await next(context);
    }

    /// <summary>
    /// The filter's steps for a handler that takes them itself instead of running behind the endpoint filter pipeline
    /// (the native check, the hottest endpoint: no invocation context, no boxed result): the refusal to answer, or the
    /// access context attached to the request (handed back, so the handler need not look it up among the request's
    /// features). The handler then writes the quota headers itself, with
    /// <see cref="WriteQuotaHeaders(HttpContext, AccessContext, QuotaDecision)"/> right before a body it writes, or
    /// <see cref="WriteQuotaHeadersOnStart"/> for any other answer, which gets them as through the filter. Only for a
    /// metered endpoint that requires a key.
    /// </summary>
    public ValueTask<FaceAdmission> AdmitAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Keyless is not null || !Metered)
        {
            throw new InvalidOperationException("Only a metered endpoint that requires a key is admitted inline.");
        }

        if (_dialect.Precheck(http) is { } refused)
        {
            return ValueTask.FromResult(new FaceAdmission(null, refused));
        }

        var pending = Keys(http).AuthenticateAsync(_dialect.ReadPresentedCredential(http), http.RequestAborted);
        return pending.IsCompletedSuccessfully ? ValueTask.FromResult(AdmitInline(http, pending.Result)) : AdmitLaterAsync(http, pending);
    }

    private async ValueTask<FaceAdmission> AdmitLaterAsync(HttpContext http, ValueTask<KeyCheck> pending) => AdmitInline(http, await pending);

    private FaceAdmission AdmitInline(HttpContext http, KeyCheck check)
        => Admit(http, check, out var access) is { } refused ? new FaceAdmission(null, refused) : new FaceAdmission(access, null);

    private KeyRing Keys(HttpContext http)
        => ApplicationServices is { } services ? _keys ??= services.GetRequiredService<KeyRing>() : http.RequestServices.GetRequiredService<KeyRing>();

    /// <summary>A valid key whose tier allows the endpoint gets its access context attached (null); anything else is refused.</summary>
    private IResult? Admit(HttpContext http, KeyCheck check) => Admit(http, check, out _);

    private IResult? Admit(HttpContext http, KeyCheck check, out AccessContext? access)
    {
        access = null;
        if (check.Status != KeyCheckStatus.Valid)
        {
            return _dialect.Unauthenticated(http, check.Status);
        }

        var key = check.Key!;
        if (_authorize(key) is { } denied)
        {
            return denied;
        }

        access = AccessContext.AttachNew(http, key, _family, _dialect);
        _dialect.Authenticated(http, access);
        return null;
    }

    /// <summary>The quota headers of the admitted request go on its answer when the answer starts, from the quota
    /// decision the handler took (or, when it took none, from a peek at the counters).</summary>
    public static void WriteQuotaHeadersOnStart(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.OnStarting(WriteQuotaHeaders, http);
    }

    /// <summary>The quota headers of <paramref name="decision"/>, written now: what <see cref="WriteQuotaHeadersOnStart"/>
    /// writes, for a handler that writes its answer itself once it has the decision (no callback when the answer starts).</summary>
    public static void WriteQuotaHeaders(HttpContext http, AccessContext access, QuotaDecision decision)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        Write(http, access, decision);
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

/// <summary>What <see cref="FaceAccessFilter.AdmitAsync"/> decided: the access context of an admitted request, or the
/// refusal to answer (exactly one of the two is set).</summary>
public readonly record struct FaceAdmission(AccessContext? Access, IResult? Refusal);

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
