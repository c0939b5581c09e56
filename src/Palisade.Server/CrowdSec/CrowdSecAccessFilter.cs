using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.CrowdSec;

/// <summary>
/// Authenticates bouncers by <c>X-Api-Key</c> as LAPI does: any missing, wrong or revoked key, or a tier without
/// blocklists, is 403 <c>{"message":"access forbidden"}</c>. Authenticated responses carry the family's quota headers.
/// </summary>
internal sealed class CrowdSecAccessFilter(QuotaFamily family) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(ApiKeyReader.Read(http.Request), http.RequestAborted);
        if (check.Status != KeyCheckStatus.Valid || !check.Key!.Tier.Allows(Feature.Blacklist))
        {
            return CrowdSecResults.Error(StatusCodes.Status403Forbidden, "access forbidden");
        }

        var key = check.Key;
        var access = new AccessContext(key, family);
        access.Attach(http);
        http.Response.OnStarting(async () =>
        {
            var clock = http.RequestServices.GetRequiredService<IClock>();
            var decision = access.Decision ?? await http.RequestServices.GetRequiredService<IQuotaCounter>()
                .PeekAsync(key.Key.Id, family, key.LimitFor(family), clock.UtcNow);
            QuotaHeaders.Write(http.Response.Headers, decision);
            if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
            {
                QuotaHeaders.WriteRetryAfter(http.Response.Headers, clock.UtcNow);
            }
        });
        return await next(context);
    }
}
