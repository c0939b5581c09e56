using System.Globalization;
using System.Text.Json;
using Palisade.Core.Text;

namespace Palisade.Cli.Client;

/// <summary>Lenient reads of answer fields for human output: a missing or null field is simply not shown. Text is
/// other people's (comments, usernames, labels): control characters are stripped before it reaches a terminal, where
/// an escape sequence could retitle the window or forge lines.</summary>
internal static class JsonFields
{
    public static string? Text(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? ControlCharacters.Strip(value.GetString()!)
            : null;

    /// <summary>A string array item as safe text (see <see cref="Text"/>).</summary>
    public static string? Safe(this JsonElement item) => item.ValueKind == JsonValueKind.String ? ControlCharacters.Strip(item.GetString()!) : null;

    public static long? Number(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number &&
           value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>An id written as a string (what the server sends) or as a number (older servers).</summary>
    public static string? Identifier(this JsonElement element, string name)
        => element.Text(name) ?? element.Number(name)?.ToString(CultureInfo.InvariantCulture);

    public static double? Real(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    public static bool Flag(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static JsonElement Child(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name)
        => element.Child(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An RFC 3339 time as "2026-11-23 13:05 UTC (2h ago)"; anything unparsable verbatim.</summary>
    public static string When(string? time)
    {
        if (time is null)
        {
            return "never";
        }

        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return time;
        }

        var ago = DateTimeOffset.UtcNow - at;
        var relative = ago.TotalMinutes < 1 ? "just now" : ago.TotalHours < 1 ? $"{(int)ago.TotalMinutes}m ago" :
            ago.TotalDays < 1 ? $"{(int)ago.TotalHours}h ago" : $"{(int)ago.TotalDays}d ago";
        return $"{at:yyyy-MM-dd HH:mm} UTC ({relative})";
    }
}
