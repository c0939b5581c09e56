using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// Authenticates AbuseIPDB requests (<c>Key:</c> header, or <c>?key=</c>), answers in AbuseIPDB's error shape (401 for a
/// missing, wrong or revoked key, as AbuseIPDB does; 403 when the tier lacks the endpoint's feature), and puts the
/// quota headers of the endpoint's family on every authenticated response, with <c>Retry-After</c> on 429.
/// </summary>
internal sealed class AbuseIpdbAccessFilter(QuotaFamily family, Feature feature) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(ApiKeyReader.Read(http.Request), http.RequestAborted);
        if (check.Status != KeyCheckStatus.Valid)
        {
            return AbuseIpdbResults.Error(StatusCodes.Status401Unauthorized, AbuseIpdbResults.AuthenticationFailed);
        }

        var key = check.Key!;
        if (!key.Tier.Allows(feature))
        {
            return AbuseIpdbResults.Error(StatusCodes.Status403Forbidden,
                $"Your plan ({key.Tier.DisplayName}) does not include this endpoint ({feature}). Upgrade the key's tier.");
        }

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
