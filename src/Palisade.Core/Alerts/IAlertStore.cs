namespace Palisade.Core.Alerts;

/// <summary>
/// Alerts, the matches waiting for their digest, and the delivery outbox. Matches and deliveries are rows, so nothing
/// waiting is lost across a restart; a digest's deliveries are written in the same transaction that consumes its matches.
/// </summary>
public interface IAlertStore
{
    /// <summary>Every enabled alert of every key (the matcher's input).</summary>
    Task<IReadOnlyList<Alert>> ListEnabledAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<Alert>> ListByKeyAsync(long keyId, CancellationToken cancellationToken);

    Task<Alert?> GetAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<AlertTargetKind, int>> CountByKindAsync(long keyId, CancellationToken cancellationToken);

    /// <summary>Stores a new alert and returns it with its id.</summary>
    Task<Alert> CreateAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>Saves label, enabled, preferences and webhook secret. False when the alert no longer exists.</summary>
    Task<bool> UpdateAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>Deletes one key's alert with its waiting matches and unsent deliveries. False when there was none.</summary>
    Task<bool> DeleteAsync(long keyId, long id, CancellationToken cancellationToken);

    /// <summary>Records matches (and counts them on their alerts) in one transaction.</summary>
    Task RecordEventsAsync(IReadOnlyList<AlertEvent> events, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Alerts with waiting matches whose cool-down has run out at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Alert>> ListDigestsDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>An alert's oldest waiting matches, up to <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AlertEvent>> PendingEventsAsync(long alertId, int limit, CancellationToken cancellationToken);

    Task<long> CountPendingEventsAsync(long alertId, long upToEventId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: consumes the alert's matches up to <paramref name="lastEventId"/>, writes the deliveries and
    /// stamps the alert as alerted at <paramref name="now"/>. False (and nothing written) when another node formed the
    /// digest first, i.e. the alert's last-alerted time is no longer the one read.
    /// </summary>
    Task<bool> CommitDigestAsync(Alert alert, long lastEventId, IReadOnlyList<AlertDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Leases up to <paramref name="limit"/> pending deliveries that are due; a lease keeps other nodes off them.</summary>
    Task<IReadOnlyList<AlertDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    /// <summary>Records an attempt's outcome and releases the lease.</summary>
    Task CompleteDeliveryAsync(long id, AlertDeliveryStatus status, int attempts, DateTimeOffset nextAttemptAt, DateTimeOffset? sentAt, string? error,
        CancellationToken cancellationToken);

    /// <summary>An alert's newest deliveries first.</summary>
    Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(long alertId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes finished (sent or failed) deliveries created before <paramref name="before"/>.</summary>
    Task<int> PruneDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
