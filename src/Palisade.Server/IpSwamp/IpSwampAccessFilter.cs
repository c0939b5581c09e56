using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.IpSwamp;

/// <summary>
/// Authenticates IPSwamp requests (<c>Authorization: Bearer</c> or <c>X-API-Key</c>) with IPSwamp's statuses: 401 when no
/// key is sent, 403 for an invalid, revoked or under-privileged key and — as IPSwamp does — for an exhausted quota
/// (with <c>Retry-After</c>). Every authenticated response carries the quota headers of the endpoint's family.
/// </summary>
internal sealed class IpSwampAccessFilter(Feature feature, QuotaFamily family = QuotaFamily.Check) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(ApiKeyReader.Read(http.Request), http.RequestAborted);
        switch (check.Status)
        {
            case KeyCheckStatus.Missing:
                return IpSwampResults.Error(StatusCodes.Status401Unauthorized, IpSwampResults.KeyRequired);
            case KeyCheckStatus.Invalid:
                return IpSwampResults.Error(StatusCodes.Status403Forbidden, IpSwampResults.InvalidKey);
            case KeyCheckStatus.Revoked:
                return IpSwampResults.Error(StatusCodes.Status403Forbidden, "API key has been revoked");
            case KeyCheckStatus.UnknownTier:
                return IpSwampResults.Error(StatusCodes.Status403Forbidden, "API key's plan no longer exists");
        }

        var key = check.Key!;
        if (!key.Tier.Allows(feature))
        {
            return IpSwampResults.Error(StatusCodes.Status403Forbidden, $"Your plan ({key.Tier.DisplayName}) does not include this endpoint.");
        }

        var access = new AccessContext(key, family);
        access.Attach(http);
        http.Response.OnStarting(async () =>
        {
            var clock = http.RequestServices.GetRequiredService<IClock>();
            var decision = access.Decision ?? await http.RequestServices.GetRequiredService<IQuotaCounter>()
                .PeekAsync(key.Key.Id, family, key.LimitFor(family), clock.UtcNow);
            QuotaHeaders.Write(http.Response.Headers, decision);
            if (!decision.Allowed)
            {
                QuotaHeaders.WriteRetryAfter(http.Response.Headers, clock.UtcNow);
            }
        });
        return await next(context);
    }
}
