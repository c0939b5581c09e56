namespace Palisade.Core.Alerts;

/// <summary>
/// One message to one channel (the outbox row): written when a digest is formed, sent by the delivery service, retried
/// with backoff until delivered or out of attempts. <see cref="Payload"/> is the JSON body the webhook receives.
/// </summary>
public sealed record AlertDelivery(
    long Id,
    long AlertId,
    long KeyId,
    AlertChannel Channel,
    string Destination,
    string Payload,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    AlertDeliveryStatus Status,
    DateTimeOffset? SentAt,
    string? LastError);
