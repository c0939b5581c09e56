using System.Globalization;
using System.Net.Http.Headers;

namespace Palisade.Cli.Client;

/// <summary>The "Quota: R / L remaining (resets in …)" line SikkerAPI's CLI prints, from the quota headers.</summary>
internal static class QuotaLine
{
    /// <summary>What the server sends for an unlimited tier.</summary>
    private const long Unlimited = int.MaxValue;

    public static string? From(HttpResponseHeaders headers)
    {
        if (Number(headers, "X-Daily-Remaining") is not { } remaining || Number(headers, "X-Daily-Limit") is not { } limit)
        {
            return null;
        }

        if (limit >= Unlimited)
        {
            return "Quota: unlimited";
        }

        var line = $"Quota: {remaining} / {limit} remaining";
        if (Number(headers, "X-RateLimit-Reset") is { } reset && DateTimeOffset.FromUnixTimeSeconds(reset) - DateTimeOffset.UtcNow is { Ticks: > 0 } left)
        {
            line += $" (resets in {Duration(left)})";
        }

        return line;
    }

    public static string Duration(TimeSpan span)
        => span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : $"{Math.Max(1, (int)Math.Ceiling(span.TotalMinutes))}m";

    private static long? Number(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
