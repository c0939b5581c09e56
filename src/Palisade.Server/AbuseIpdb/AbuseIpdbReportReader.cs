using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// Reads the fields of a report request the way AbuseIPDB's clients send them: form-urlencoded (fail2ban's curl),
/// JSON, or query parameters (clients that put everything in the URL). Body fields win over query fields.
/// </summary>
internal static class AbuseIpdbReportReader
{
    /// <returns>The fields by name (case-sensitive, as AbuseIPDB), or null with <paramref name="error"/> set.</returns>
    public static Dictionary<string, string> Read(HttpRequest request, byte[] body, out string? error)
    {
        error = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
        {
            fields[name] = value.ToString();
        }

        if (body.Length == 0)
        {
            return fields;
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "The request body is not valid UTF-8.";
            return fields;
        }

        var text = Encoding.UTF8.GetString(body);
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = "The JSON body must be an object.";
                    return fields;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(e =>
                            e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                        JsonValueKind.Null => "",
                        _ => property.Value.GetRawText(),
                    };
                }
            }
            catch (JsonException ex)
            {
                error = "The request body is not valid JSON: " + ex.Message;
            }

            return fields;
        }

        foreach (var (name, value) in QueryHelpers.ParseQuery(text))
        {
            fields[name] = StringValues.IsNullOrEmpty(value) ? "" : value.ToString();
        }

        return fields;
    }
}
