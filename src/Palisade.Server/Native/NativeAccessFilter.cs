using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.Native;

/// <summary>
/// Authenticates native requests, checks the tier has the endpoint's feature, and makes every authenticated
/// response carry the quota headers of the endpoint's family.
/// </summary>
internal sealed class NativeAccessFilter(QuotaFamily family, Feature feature) : IEndpointFilter
{
    public const string MissingKeyMessage = "Valid API key required. Use Authorization: Bearer sk_...";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(ApiKeyReader.Read(http.Request), http.RequestAborted);
        switch (check.Status)
        {
            case KeyCheckStatus.Missing:
                return NativeResults.Error(StatusCodes.Status401Unauthorized, MissingKeyMessage);
            case KeyCheckStatus.Invalid:
                return NativeResults.Error(StatusCodes.Status401Unauthorized, "Invalid API key. " + MissingKeyMessage);
            case KeyCheckStatus.Revoked:
                return NativeResults.Error(StatusCodes.Status403Forbidden, "This API key has been revoked. Create a new key.");
            case KeyCheckStatus.UnknownTier:
                return NativeResults.Error(StatusCodes.Status403Forbidden, "This API key's tier no longer exists. Ask the operator to move it to a configured tier.");
        }

        var key = check.Key!;
        if (!key.Tier.Allows(feature))
        {
            return NativeResults.Error(StatusCodes.Status403Forbidden, $"The {key.Tier.DisplayName} tier does not include {feature}. Upgrade the key's tier.");
        }

        var access = new AccessContext(key, family);
        access.Attach(http);
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
            Write(http, decision);
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
            return; // the counters are unreachable (the response says so); send it without quota headers
        }

        Write(http, decision);
    }

    private static void Write(HttpContext http, QuotaDecision decision)
    {
        QuotaHeaders.Write(http.Response.Headers, decision);
        if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            QuotaHeaders.WriteRetryAfter(http.Response.Headers, http.RequestServices.GetRequiredService<IClock>().UtcNow);
        }
    }
}
