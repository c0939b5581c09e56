namespace Palisade.Core.Alerts;

/// <summary>
/// Per-alert preferences: which matching reports count (minimum score after the report, any of some categories — none
/// listed means any), where deliveries go, and the cool-down: after a delivery, further matches wait and leave as one digest.
/// </summary>
public sealed record AlertPreferences(int MinScore, IReadOnlyList<int> Categories, string? NotifyEmail, string? WebhookUrl, TimeSpan Cooldown)
{
    public static TimeSpan DefaultCooldown { get; } = TimeSpan.FromMinutes(15);

    public static TimeSpan MaxCooldown { get; } = TimeSpan.FromDays(7);

    /// <summary>True when a report with these categories, leaving its address at this score, should be told.</summary>
    public bool Accepts(IReadOnlyList<int> reportCategories, int score)
    {
        if (score < MinScore)
        {
            return false;
        }

        if (Categories.Count == 0)
        {
            return true;
        }

        foreach (var category in reportCategories)
        {
            if (Categories.Contains(category))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The channels this alert delivers to (none: matches are only counted).</summary>
    public IReadOnlyList<AlertChannel> Channels => (NotifyEmail, WebhookUrl) switch
    {
        (not null, not null) => [AlertChannel.Email, AlertChannel.Webhook],
        (not null, null) => [AlertChannel.Email],
        (null, not null) => [AlertChannel.Webhook],
        _ => [],
    };
}
