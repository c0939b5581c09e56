namespace Palisade.Core.Alerts;

/// <summary>Sends deliveries of one channel. Throws <see cref="AlertDeliveryException"/> when the attempt failed.</summary>
public interface IAlertDispatcher
{
    AlertChannel Channel { get; }

    Task DeliverAsync(Alert alert, AlertDelivery delivery, CancellationToken cancellationToken);
}
