using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// A ReportedIP public endpoint called without a key: charge the client address's public quota (100 requests a day)
/// and answer 429 with <c>data.retryAfter</c> past it.
/// </summary>
internal sealed class ReportedIpPublicAccess(IPublicQuotaCounter publicQuota) : IKeylessAccess
{
    public const long PublicDailyLimit = 100;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var clock = http.RequestServices.GetRequiredService<IClock>();
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

    // The public quota's own headers; "unlimited" is written as every other face writes it.
    private static void WriteRateLimit(IHeaderDictionary headers, QuotaDecision decision)
    {
        headers["X-RateLimit-Limit"] = (decision.Limit ?? QuotaHeaders.UnlimitedValue).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = (decision.Remaining ?? QuotaHeaders.UnlimitedValue).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }
}
