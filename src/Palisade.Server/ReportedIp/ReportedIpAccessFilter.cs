using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// Access to a ReportedIP endpoint. With a key (<c>X-Key</c> or <c>?key=</c>): authenticate (401), check the role's
/// permission (403) and put the key's quota headers on the response. Without a key on a public endpoint: charge the
/// client address's public quota (100 requests a day) and answer 429 with <c>data.retryAfter</c> past it.
/// </summary>
internal sealed class ReportedIpAccessFilter(QuotaFamily family, ReportedIpPermission? permission, IPublicQuotaCounter? publicQuota) : IEndpointFilter
{
    public const long PublicDailyLimit = 100;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var clock = http.RequestServices.GetRequiredService<IClock>();
        var secret = ApiKeyReader.Read(http.Request);
        if (secret is null && publicQuota is not null)
        {
            var client = http.Connection.RemoteIpAddress ?? IPAddress.IPv6None;
            var decision = await publicQuota.TryConsumeAsync(client, PublicDailyLimit, clock.UtcNow);
            var caller = ReportedIpCaller.Anonymous(client);
            caller.PublicDecision = decision;
            caller.Attach(http);
            WriteRateLimit(http.Response.Headers, decision);
            if (!decision.Allowed)
            {
                var retryAfter = QuotaDay.SecondsUntilReset(clock.UtcNow);
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return ReportedIpResults.TooManyRequests(retryAfter);
            }

            return await next(context);
        }

        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var check = await keys.AuthenticateAsync(secret, http.RequestAborted);
        if (check.Status != KeyCheckStatus.Valid)
        {
            return ReportedIpResults.Error(StatusCodes.Status401Unauthorized, ReportedIpResults.Unauthorized);
        }

        var key = check.Key!;
        if (permission is { } needed && !ReportedIpRoles.Allows(key.Tier, needed))
        {
            return ReportedIpResults.Error(StatusCodes.Status403Forbidden, ReportedIpResults.Forbidden);
        }

        var access = new AccessContext(key, family);
        access.Attach(http);
        ReportedIpCaller.Keyed(access).Attach(http);
        http.Response.OnStarting(async () =>
        {
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

    private static void WriteRateLimit(IHeaderDictionary headers, QuotaDecision decision)
    {
        headers["X-RateLimit-Limit"] = (decision.Limit ?? 0).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = (decision.Remaining ?? 0).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }
}
