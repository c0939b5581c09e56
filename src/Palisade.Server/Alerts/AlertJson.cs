using System.Net;
using System.Text.Json;
using Palisade.Core.Alerts;
using Palisade.Server.Access;

namespace Palisade.Server.Alerts;

/// <summary>
/// Alert objects on the wire, in the shape SikkerAPI's client decodes (id, the target field, label, enabled,
/// emailNotifications, lastAlertedAt, totalAlerts, matchCount, createdAt; ranges add networkAddress, prefixLength and
/// uniqueMatches) plus Palisade's preferences. The webhook secret is written only when it was just created. Ids are JSON
/// strings: SikkerAPI's client decodes <c>id</c> into a Go string and fails on a number.
/// </summary>
internal static class AlertJson
{
    public static string One(Alert alert, bool withSecret, IReadOnlyList<AlertDelivery>? deliveries = null)
        => Write(json => WriteAlert(json, alert, withSecret, deliveries));

    public static string List(IReadOnlyList<Alert> alerts) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("alerts");
        foreach (var alert in alerts)
        {
            WriteAlert(json, alert, false, null);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static string Deleted(long id) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteBoolean("success", true);
        json.WriteString("id", Id(id));
        json.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteAlert(Utf8JsonWriter json, Alert alert, bool withSecret, IReadOnlyList<AlertDelivery>? deliveries)
    {
        var preferences = alert.Preferences;
        json.WriteStartObject();
        json.WriteString("id", Id(alert.Id));
        json.WriteString("type", AlertTargets.Name(alert.Kind));
        json.WriteString(AlertTargets.Name(alert.Kind), alert.Target);
        if (alert.Kind == AlertTargetKind.Range)
        {
            var network = IPNetwork.Parse(alert.Target);
            json.WriteString("networkAddress", network.BaseAddress.ToString());
            json.WriteNumber("prefixLength", network.PrefixLength);
            json.WriteNumber("uniqueMatches", alert.MatchCount);
        }

        NullableString(json, "label", alert.Label);
        json.WriteBoolean("enabled", alert.Enabled);
        json.WriteBoolean("emailNotifications", preferences.NotifyEmail is not null);
        NullableString(json, "notifyEmail", preferences.NotifyEmail);
        NullableString(json, "webhookUrl", preferences.WebhookUrl);
        json.WriteNumber("minScore", preferences.MinScore);
        json.WriteStartArray("categories");
        foreach (var category in preferences.Categories)
        {
            json.WriteNumberValue(category);
        }

        json.WriteEndArray();
        json.WriteNumber("cooldownSeconds", (long)preferences.Cooldown.TotalSeconds);
        NullableString(json, "lastAlertedAt", alert.LastAlertedAt is { } last ? WireTime.Rfc3339(last) : null);
        json.WriteNumber("totalAlerts", alert.TotalAlerts);
        json.WriteNumber("matchCount", alert.MatchCount);
        json.WriteString("createdAt", WireTime.Rfc3339(alert.CreatedAt));
        if (withSecret && alert.WebhookSecret is not null)
        {
            json.WriteString("webhookSecret", alert.WebhookSecret);
        }

        if (deliveries is not null)
        {
            json.WriteStartArray("deliveries");
            foreach (var delivery in deliveries)
            {
                json.WriteStartObject();
                json.WriteString("id", Id(delivery.Id));
                json.WriteString("channel", delivery.Channel == AlertChannel.Email ? "email" : "webhook");
                json.WriteString("status", delivery.Status switch
                {
                    AlertDeliveryStatus.Sent => "sent",
                    AlertDeliveryStatus.Failed => "failed",
                    _ => "pending",
                });
                json.WriteNumber("attempts", delivery.Attempts);
                json.WriteString("createdAt", WireTime.Rfc3339(delivery.CreatedAt));
                NullableString(json, "sentAt", delivery.SentAt is { } sent ? WireTime.Rfc3339(sent) : null);
                NullableString(json, "nextAttemptAt", delivery.Status == AlertDeliveryStatus.Pending ? WireTime.Rfc3339(delivery.NextAttemptAt) : null);
                NullableString(json, "lastError", delivery.LastError);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void NullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
