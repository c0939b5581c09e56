using System.Globalization;

namespace Palisade.Core.Stix;

/// <summary>
/// STIX and TAXII timestamps. STIX <c>created</c>/<c>modified</c> must be precise to the millisecond; TAXII
/// <c>date_added</c> and its headers carry microseconds. Instants are kept as integers (Unix ms or µs) so stored values
/// compare exactly.
/// </summary>
public static class StixTimestamp
{
    private const long TicksPerMicrosecond = 10;

    public static long ToMilliseconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static long ToMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TicksPerMicrosecond);

    /// <summary><c>2026-03-05T12:00:00.123Z</c>.</summary>
    public static string Milliseconds(long unixMilliseconds)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>2026-03-05T12:00:00.123456Z</c>.</summary>
    public static string Microseconds(long unixMicroseconds)
        => FromMicroseconds(unixMicroseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 timestamp (any precision, 'Z' or an offset) to Unix microseconds; sub-µs digits are cut.</summary>
    public static bool TryParseMicroseconds(string? text, out long unixMicroseconds)
    {
        unixMicroseconds = 0;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }

        // Clients that do not URL-encode send '+' as a raw plus, which form decoding turns into a space.
        text = text.Trim().Replace(' ', '+');
        if (text.Length < 20 || text[10] is not ('T' or 't'))
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return false;
        }

        unixMicroseconds = ToMicroseconds(instant);
        return true;
    }
}
