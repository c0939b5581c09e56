using Palisade.Core.Alerts;

namespace Palisade.Server.Alerts;

/// <summary>A validated create or update body; for an update, the <c>Has…</c> flags say which fields were sent (null clears).</summary>
internal sealed class AlertRequest
{
    public AlertTargetKind? Kind { get; set; }

    public string? Target { get; set; }

    public bool HasLabel { get; set; }

    public string? Label { get; set; }

    public bool? Enabled { get; set; }

    public int? MinScore { get; set; }

    public IReadOnlyList<int>? Categories { get; set; }

    public bool HasNotifyEmail { get; set; }

    public string? NotifyEmail { get; set; }

    public bool HasWebhookUrl { get; set; }

    public string? WebhookUrl { get; set; }

    public TimeSpan? Cooldown { get; set; }

    /// <summary>An <c>id</c> sent back in the body (as a string or a number), which must name the alert on the path.</summary>
    public long? Id { get; set; }
}
