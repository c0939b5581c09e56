namespace Palisade.Core.Alerts;

/// <summary>Where a delivery stands: waiting (first try or a retry), delivered, or given up after the last attempt.</summary>
public enum AlertDeliveryStatus
{
    Pending = 0,
    Sent = 1,
    Failed = 2,
}
