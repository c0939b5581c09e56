namespace Palisade.Core.Alerts;

/// <summary>How a delivery reaches the alert's owner.</summary>
public enum AlertChannel
{
    Email = 1,
    Webhook = 2,
}
