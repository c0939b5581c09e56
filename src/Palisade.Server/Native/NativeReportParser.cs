using System.Globalization;
using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Server.Access;

namespace Palisade.Server.Native;

/// <summary>
/// Reads one native report object: <c>{ip, category | categories[], protocol?, port?, username?, email?, comment?, timestamp?, source?}</c>.
/// Categories are names or ids 1–16, as JSON strings or numbers.
/// </summary>
internal static class NativeReportParser
{
    public static bool TryParse(JsonElement item, string? reporterAddress, out ReportSubmission? submission, out string? ip, out string? error)
    {
        submission = null;
        ip = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = "A report must be a JSON object.";
            return false;
        }

        if (!TryString(item, "ip", out ip, out error))
        {
            return false;
        }

        if (ip is null)
        {
            error = "Field 'ip' is required.";
            return false;
        }

        var categories = new List<int>();
        var hasCategory = item.TryGetProperty("category", out var single) && single.ValueKind != JsonValueKind.Null;
        var hasCategories = item.TryGetProperty("categories", out var many) && many.ValueKind != JsonValueKind.Null;
        if (!hasCategory && !hasCategories)
        {
            error = "Field 'category' is required (a name such as \"brute_force\" or an id 1–16).";
            return false;
        }

        if (hasCategory && !TryCategory(single, categories, out error))
        {
            return false;
        }

        if (hasCategories)
        {
            if (many.ValueKind == JsonValueKind.String)
            {
                foreach (var part in many.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!TryCategoryText(part, categories, out error))
                    {
                        return false;
                    }
                }
            }
            else if (many.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in many.EnumerateArray())
                {
                    if (!TryCategory(element, categories, out error))
                    {
                        return false;
                    }
                }
            }
            else
            {
                error = "Field 'categories' must be an array of names or ids.";
                return false;
            }
        }

        if (!TryString(item, "protocol", out var protocol, out error) ||
            !TryString(item, "username", out var username, out error) ||
            !TryString(item, "email", out var email, out error) ||
            !TryString(item, "comment", out var comment, out error) ||
            !TryInt(item, "port", out var port, out error))
        {
            return false;
        }

        DateTimeOffset? timestamp = null;
        if (item.TryGetProperty("timestamp", out var time) && time.ValueKind != JsonValueKind.Null)
        {
            var text = time.ValueKind switch
            {
                JsonValueKind.String => time.GetString(),
                JsonValueKind.Number => time.GetRawText(),
                _ => null,
            };
            if (!WireTime.TryParse(text, out var parsed))
            {
                error = "Field 'timestamp' must be an RFC 3339 time or epoch seconds.";
                return false;
            }

            timestamp = parsed;
        }

        if (!TryString(item, "source", out var sourceText, out error))
        {
            return false;
        }

        var source = ReportSource.Local;
        if (sourceText is not null)
        {
            switch (sourceText.ToLowerInvariant())
            {
                case "local":
                    break;
                case "feed":
                    source = ReportSource.Feed;
                    break;
                default:
                    error = "Field 'source' must be \"local\" or \"feed\".";
                    return false;
            }
        }

        submission = new ReportSubmission(ip, categories, protocol, port, username, comment, timestamp, source, "native", null, reporterAddress, email);
        error = null;
        return true;
    }

    private static bool TryCategory(JsonElement element, List<int> categories, out string? error)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryCategoryText(element.GetString()!, categories, out error);
            case JsonValueKind.Number:
                return TryCategoryText(element.GetRawText(), categories, out error);
            default:
                error = "A category must be a name or an id 1–16.";
                return false;
        }
    }

    private static bool TryCategoryText(string text, List<int> categories, out string? error)
    {
        if (!CategoryCatalog.TryResolve(text, out var category))
        {
            error = $"Unknown category '{Truncate(text)}'. Use a name such as brute_force or an id 1–16.";
            return false;
        }

        categories.Add(category.Id);
        error = null;
        return true;
    }

    private static bool TryString(JsonElement item, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!item.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            error = $"Field '{name}' must be a string.";
            return false;
        }

        value = property.GetString();
        return true;
    }

    private static bool TryInt(JsonElement item, string name, out int? value, out string? error)
    {
        value = null;
        error = null;
        if (!item.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out var number))
        {
            value = number;
            return true;
        }

        if (property.ValueKind == JsonValueKind.String && int.TryParse(property.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            value = number;
            return true;
        }

        error = $"Field '{name}' must be an integer.";
        return false;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
