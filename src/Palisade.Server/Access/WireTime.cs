using System.Globalization;

namespace Palisade.Server.Access;

/// <summary>Timestamps on the wire: RFC 3339 UTC with milliseconds, or epoch milliseconds where a client wants numbers.</summary>
public static class WireTime
{
    public static string Rfc3339(DateTimeOffset instant)
        => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // Clients that do not URL-encode send '+' which a form decoder turns into a space.
        text = text.Trim().Replace(' ', '+');
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            // Epoch seconds or milliseconds, told apart by size.
            instant = epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return epoch <= 253_402_300_799_999;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }
}
