using System.Globalization;
using System.Text.RegularExpressions;
using Palisade.Server.Access;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// A report time (<c>timestamp</c>, bulk-report <c>ReportDate</c>) in the forms AbuseIPDB's CSV exports and common
/// scripts write (docs/compatibility.md lists them): ISO 8601 with <c>T</c> or a space, with or without seconds,
/// fractions and an offset (<c>Z</c>, <c>+01:00</c>, <c>+0100</c>, <c> -05:00</c>, <c>UTC</c>, <c>GMT</c>); RFC 1123
/// (<c>Mon, 01 Dec 2026 10:00:00 +0000</c>); a date alone; epoch seconds or milliseconds. A time without an offset is UTC.
/// </summary>
internal static partial class AbuseIpdbReportDate
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mmzzz",
        "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", "yyyy-MM-dd HH:mm zzz",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz",
        "dd MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz",
        "yyyy-MM-dd",
    ];

    // "+0100" → "+01:00" and a trailing zone name → "+00:00", so the one "zzz" pattern reads every offset spelling.
    [GeneratedRegex(@"(?<=\d)\s*(?:Z|UTC|GMT|UT)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UtcName();

    [GeneratedRegex(@"([+-])(\d{2})(\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex CompactOffset();

    // RFC 1123's weekday is dropped rather than checked: a script's wrong weekday is no reason to lose the report.
    [GeneratedRegex(@"^[A-Za-z]{3},\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Weekday();

    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }

        var normalized = UtcName().Replace(Weekday().Replace(text.Trim(), ""), "+00:00");
        normalized = CompactOffset().Replace(normalized, "$1$2:$3");
        if (DateTimeOffset.TryParseExact(normalized, Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out instant))
        {
            instant = instant.ToUniversalTime();
            return true;
        }

        // Anything else ISO 8601 (and epoch numbers), with a '+' that a form decoder turned into a space.
        return WireTime.TryParse(text, out instant);
    }
}
