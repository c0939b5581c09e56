using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Palisade.Core.Alerts;
using Palisade.Core.Categories;

namespace Palisade.Server.Alerts;

/// <summary>
/// Reads alert bodies field by field so every mistake gets its own message: unknown fields, wrong types, out-of-range
/// values, more than one target, a target on update (targets cannot change).
/// </summary>
internal static class AlertRequestParser
{
    public const int MaxLabelLength = 100;

    private static readonly Dictionary<string, AlertTargetKind> TargetFields = new(StringComparer.Ordinal)
    {
        ["ip"] = AlertTargetKind.Ip,
        ["cidr"] = AlertTargetKind.Range,
        ["username"] = AlertTargetKind.Username,
        ["email"] = AlertTargetKind.Email,
    };

    public static bool TryParse(JsonElement root, bool creating, WebhookTargetPolicy webhooks, [NotNullWhen(true)] out AlertRequest? request,
        [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body must be a JSON object.";
            return false;
        }

        var parsed = new AlertRequest();
        foreach (var property in root.EnumerateObject())
        {
            if (!TryField(property, creating, webhooks, parsed, out error))
            {
                return false;
            }
        }

        if (creating && parsed.Id is not null)
        {
            error = "An alert's id is given by the server; leave \"id\" out when creating one.";
            return false;
        }

        if (creating && parsed.Kind is null)
        {
            error = "Say what to watch: one of \"ip\", \"cidr\", \"username\" or \"email\".";
            return false;
        }

        request = parsed;
        error = null;
        return true;
    }

    private static bool TryField(JsonProperty property, bool creating, WebhookTargetPolicy webhooks, AlertRequest parsed, [NotNullWhen(false)] out string? error)
    {
        error = null;
        var value = property.Value;
        if (TargetFields.TryGetValue(property.Name, out var kind))
        {
            if (!creating)
            {
                error = "What an alert watches cannot be changed; delete it and create a new one.";
                return false;
            }

            if (parsed.Kind is not null)
            {
                error = "An alert watches one thing: send only one of \"ip\", \"cidr\", \"username\" or \"email\".";
                return false;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                error = $"{property.Name} must be a string.";
                return false;
            }

            parsed.Kind = kind;
            parsed.Target = value.GetString()!.Trim();
            return true;
        }

        switch (property.Name)
        {
            case "id":
                // An alert read back and sent again carries its id, as a string (what we write) or a number (older answers).
                if (!TryId(value, out var id))
                {
                    error = "id must be the alert's id, a positive whole number (as a string or a number).";
                    return false;
                }

                parsed.Id = id;
                return true;
            case "label":
                if (!TryNullableString(value, "label", MaxLabelLength, out var label, out error))
                {
                    return false;
                }

                parsed.HasLabel = true;
                parsed.Label = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
                return true;
            case "enabled":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = "enabled must be true or false.";
                    return false;
                }

                parsed.Enabled = value.GetBoolean();
                return true;
            case "minScore":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minScore) || minScore is < 0 or > 100)
                {
                    error = "minScore must be a whole number from 0 to 100.";
                    return false;
                }

                parsed.MinScore = minScore;
                return true;
            case "categories":
                return TryCategories(value, parsed, out error);
            case "notifyEmail":
                if (!TryNullableString(value, "notifyEmail", AlertTargets.MaxEmailLength, out var email, out error))
                {
                    return false;
                }

                string? normalized = null;
                if (email is not null && !AlertTargets.TryNormalizeEmail(email.Trim(), out normalized))
                {
                    error = "notifyEmail is not an e-mail address (name@example.org).";
                    return false;
                }

                parsed.HasNotifyEmail = true;
                parsed.NotifyEmail = normalized;
                return true;
            case "webhookUrl":
                if (!TryNullableString(value, "webhookUrl", WebhookTargetPolicy.MaxUrlLength, out var url, out error))
                {
                    return false;
                }

                string? checkedUrl = null;
                if (url is not null && !webhooks.TryValidate(url.Trim(), out checkedUrl, out error))
                {
                    return false;
                }

                parsed.HasWebhookUrl = true;
                parsed.WebhookUrl = checkedUrl;
                return true;
            case "cooldownSeconds":
                var max = (long)AlertPreferences.MaxCooldown.TotalSeconds;
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds) || seconds < 0 || seconds > max)
                {
                    error = $"cooldownSeconds must be a whole number from 0 to {max} (7 days).";
                    return false;
                }

                parsed.Cooldown = TimeSpan.FromSeconds(seconds);
                return true;
            default:
                error = $"Unknown field \"{(property.Name.Length > 40 ? property.Name[..40] + "…" : property.Name)}\". Known fields: id, ip, cidr, username, email, " +
                    "label, enabled, minScore, categories, notifyEmail, webhookUrl, cooldownSeconds.";
                return false;
        }
    }

    private static bool TryId(JsonElement value, out long id)
    {
        id = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out id) && id > 0,
            JsonValueKind.String => long.TryParse(value.GetString(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0,
            _ => false,
        };
    }

    private static bool TryCategories(JsonElement value, AlertRequest parsed, [NotNullWhen(false)] out string? error)
    {
        error = $"categories must be a list of category ids from 1 to {CategoryCatalog.Native.Count} (empty: any category).";
        if (value.ValueKind == JsonValueKind.Null)
        {
            parsed.Categories = [];
            error = null;
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > CategoryCatalog.Native.Count)
        {
            return false;
        }

        var ids = new List<int>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id) || id < 1 || id > CategoryCatalog.Native.Count)
            {
                return false;
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        parsed.Categories = ids;
        error = null;
        return true;
    }

    private static bool TryNullableString(JsonElement value, string name, int maxLength, out string? text, [NotNullWhen(false)] out string? error)
    {
        text = null;
        error = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"{name} must be a string or null.";
            return false;
        }

        text = value.GetString()!;
        if (text.Length > maxLength || text.Any(char.IsControl))
        {
            error = $"{name} must be at most {maxLength} characters, without control characters.";
            return false;
        }

        return true;
    }
}
