namespace Palisade.Core.Alerts;

/// <summary>A delivery attempt failed (receiver down, refused, non-2xx, timed out); the delivery will be retried.</summary>
public sealed class AlertDeliveryException : Exception
{
    public AlertDeliveryException()
    {
    }

    public AlertDeliveryException(string message)
        : base(message)
    {
    }

    public AlertDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
