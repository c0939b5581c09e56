using System.ComponentModel.DataAnnotations;

namespace Palisade.Server.Alerts;

/// <summary>Alert delivery settings (configuration section "Palisade:Alerts").</summary>
public sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Alerts";

    /// <summary>Let webhooks reach private, loopback and other non-public addresses (off: an alert cannot probe the operator's network).</summary>
    public bool AllowPrivateWebhooks { get; set; }

    /// <summary>How often the delivery service looks for work when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Delay before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts before a delivery is given up (recorded as failed).</summary>
    [Range(1, 1000, ErrorMessage = "Palisade:Alerts:MaxAttempts must be 1 to 1000.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long a webhook call may take.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often alerts are re-read from the store (changes made on other nodes).</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long finished deliveries stay visible in GET /v1/key/alerts/{id}.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);
}
