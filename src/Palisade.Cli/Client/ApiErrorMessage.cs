using System.Text;
using System.Text.Json;
using Palisade.Core.Text;

namespace Palisade.Cli.Client;

/// <summary>Reads the human message out of an error body in whichever dialect's shape the server used.</summary>
internal static class ApiErrorMessage
{
    private const int MaxRawLength = 300;

    /// <summary>The message, with control characters stripped: it is printed to a terminal.</summary>
    public static string From(byte[] body) => ControlCharacters.Strip(Read(body));

    private static string Read(byte[] body)
    {
        if (body.Length == 0)
        {
            return "(no message)";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                // Native {"error":"…"}; IPSwamp {"message"}; TAXII {"title","description"}; AbuseIPDB {"errors":[{"detail"}]}.
                if (Text(root, "error") is { } error)
                {
                    return error;
                }

                if (Text(root, "title") is { } title)
                {
                    return Text(root, "description") is { } description ? $"{title}: {description}" : title;
                }

                if (Text(root, "message") is { } message)
                {
                    return message;
                }

                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0 &&
                    errors[0].ValueKind == JsonValueKind.Object && Text(errors[0], "detail") is { } detail)
                {
                    return detail;
                }
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxRawLength * 4)).Trim();
        text = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
        return text.Length <= MaxRawLength ? text : text[..MaxRawLength] + "…";
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
