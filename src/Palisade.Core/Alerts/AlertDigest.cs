using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Palisade.Core.Alerts;

/// <summary>
/// The JSON body of one delivery: the alert, the matches it carries (at most <see cref="MaxEvents"/>, oldest first) and
/// how many matched in all since the last delivery. The webhook receives it as is; the e-mail is written from it.
/// </summary>
public static class AlertDigest
{
    public const int MaxEvents = 100;

    public static string Build(Alert alert, IReadOnlyList<AlertEvent> events, long totalMatches, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        // Readable UTF-8 (labels and usernames as typed); the e-mail is written from this text, not embedded as JSON in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("event", "alert.matched");
            json.WriteString("generatedAt", Rfc3339(now));
            json.WriteStartObject("alert");
            json.WriteNumber("id", alert.Id);
            json.WriteString("type", AlertTargets.Name(alert.Kind));
            json.WriteString("target", alert.Target);
            if (alert.Label is null)
            {
                json.WriteNull("label");
            }
            else
            {
                json.WriteString("label", alert.Label);
            }

            json.WriteEndObject();
            json.WriteNumber("matchCount", totalMatches);
            json.WriteBoolean("truncated", totalMatches > events.Count);
            json.WriteStartArray("matches");
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteString("ip", e.Address);
                json.WriteNumber("reportId", e.ReportId);
                json.WriteStartArray("categories");
                foreach (var category in e.Categories)
                {
                    json.WriteNumberValue(category);
                }

                json.WriteEndArray();
                json.WriteNumber("score", e.Score);
                if (e.Username is not null)
                {
                    json.WriteString("username", e.Username);
                }

                json.WriteString("reportedAt", Rfc3339(e.ReportedAt));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
