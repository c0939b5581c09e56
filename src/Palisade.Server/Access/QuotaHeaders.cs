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
        var limit = Cached(ref _lastLimit, decision.Limit ?? UnlimitedValue);
        var remaining = Format(decision.Remaining ?? UnlimitedValue);
        headers["X-Daily-Limit"] = limit;
        headers["X-Daily-Used"] = Format(decision.Used);
        headers["X-Daily-Remaining"] = remaining;
        // Literal names: concatenating them was two strings per response.
        var (limitName, remainingName) = decision.Family switch
        {
            QuotaFamily.Report => ("X-Report-Limit", "X-Report-Remaining"),
            QuotaFamily.Blacklist => ("X-Blacklist-Limit", "X-Blacklist-Remaining"),
            QuotaFamily.Taxii => ("X-TAXII-Limit", "X-TAXII-Remaining"),
            _ => (null, null),
        };
        if (limitName is not null)
        {
            headers[limitName] = limit;
            headers[remainingName!] = remaining;
        }

        headers["X-RateLimit-Limit"] = limit;
        headers["X-RateLimit-Remaining"] = remaining;
        headers["X-RateLimit-Reset"] = Cached(ref _lastReset, decision.ResetsAt.ToUnixTimeSeconds());
    }

    // The limit and the reset time are the same for nearly every answer (one key's limit, one day's midnight): their text
    // is kept rather than formatted per response. A miss formats and replaces the pair (one reference write, no lock).
    private static Formatted? _lastLimit;
    private static Formatted? _lastReset;

    private sealed record Formatted(long Value, string Text);

    private static string Cached(ref Formatted? last, long value)
    {
        var seen = Volatile.Read(ref last);
        if (seen is not null && seen.Value == value)
        {
            return seen.Text;
        }

        var formatted = new Formatted(value, Format(value));
        Volatile.Write(ref last, formatted);
        return formatted.Text;
    }

    /// <summary>Adds <c>Retry-After</c>: whole seconds until the quota resets at midnight UTC.</summary>
    public static void WriteRetryAfter(IHeaderDictionary headers, DateTimeOffset now)
        => headers.RetryAfter = Format(QuotaDay.SecondsUntilReset(now));

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
