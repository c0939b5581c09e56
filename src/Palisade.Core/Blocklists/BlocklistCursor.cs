using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Palisade.Core.Blocklists;

/// <summary>
/// Where an incremental pull starts: either a cursor this server handed out ("&lt;instance&gt;.&lt;generation&gt;",
/// opaque to clients) or a point in time (epoch seconds or milliseconds, or ISO 8601).
/// </summary>
public readonly record struct BlocklistCursor(string? Instance, long Generation, DateTimeOffset? Time)
{
    public static bool TryParse(string? text, out BlocklistCursor cursor, [NotNullWhen(false)] out string? error)
    {
        cursor = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            error = "since must be a cursor from a previous response or a timestamp (epoch seconds or ISO 8601).";
            return false;
        }

        // A '+' in an unencoded timestamp arrives as a space.
        text = text.Trim().Replace(' ', '+');
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && text.StartsWith('c') &&
            long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            cursor = new BlocklistCursor(text[1..dot], generation, null);
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch <= 253_402_300_799_999)
        {
            cursor = new BlocklistCursor(null, 0, epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch));
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            cursor = new BlocklistCursor(null, 0, instant);
            return true;
        }

        error = $"since '{text}' is neither a cursor from a previous response nor a timestamp (epoch seconds or ISO 8601).";
        return false;
    }

    internal static string Format(string instance, long generation) => "c" + instance + "." + generation.ToString(CultureInfo.InvariantCulture);
}
