using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Server.Access;

/// <summary>
/// Writes the quota headers every dialect's clients read: <c>X-Daily-Limit/-Used/-Remaining</c> for the endpoint's
/// family, the family's own pair (<c>X-Report-*</c>, <c>X-Blacklist-*</c>, <c>X-TAXII-*</c>) and
/// <c>X-RateLimit-Limit/-Remaining/-Reset</c>. Unlimited quotas are written as <see cref="UnlimitedValue"/>.
/// </summary>
public static class QuotaHeaders
{
    public const long UnlimitedValue = int.MaxValue;

    public static void Write(IHeaderDictionary headers, QuotaDecision decision)
    {
        var limit = Format(decision.Limit ?? UnlimitedValue);
        var remaining = Format(decision.Remaining ?? UnlimitedValue);
        headers["X-Daily-Limit"] = limit;
        headers["X-Daily-Used"] = Format(decision.Used);
        headers["X-Daily-Remaining"] = remaining;
        var pair = decision.Family switch
        {
            QuotaFamily.Report => "X-Report",
            QuotaFamily.Blacklist => "X-Blacklist",
            QuotaFamily.Taxii => "X-TAXII",
            _ => null,
        };
        if (pair is not null)
        {
            headers[pair + "-Limit"] = limit;
            headers[pair + "-Remaining"] = remaining;
        }

        headers["X-RateLimit-Limit"] = limit;
        headers["X-RateLimit-Remaining"] = remaining;
        headers["X-RateLimit-Reset"] = Format(decision.ResetsAt.ToUnixTimeSeconds());
    }

    /// <summary>Adds <c>Retry-After</c>: whole seconds until the quota resets at midnight UTC.</summary>
    public static void WriteRetryAfter(IHeaderDictionary headers, DateTimeOffset now)
        => headers.RetryAfter = Format(QuotaDay.SecondsUntilReset(now));

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
