namespace Palisade.Core.Stix;

/// <summary>
/// Durable home of the TAXII version log: every published version of every object, the latest state per address,
/// and the key that signs paging cursors (so cursors survive a restart). One writer (the publisher) appends;
/// any number of readers page.
/// </summary>
public interface ITaxiiStore
{
    /// <summary>The cursor signing key, created on first use and the same ever after.</summary>
    Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<IndicatorHead>> LoadHeadsAsync(CancellationToken cancellationToken);

    /// <summary>The largest <c>date_added</c> (Unix µs) ever written, 0 when none.</summary>
    Task<long> LastDateAddedAsync(CancellationToken cancellationToken);

    /// <summary>Appends versions (each becomes its object's latest in its collection) and replaces heads, atomically.</summary>
    Task AppendAsync(IReadOnlyList<StixVersion> versions, IReadOnlyList<IndicatorHead> heads, CancellationToken cancellationToken);

    Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Asks to be the one publisher of this log (several nodes may share it). Null when another process publishes; the
    /// lease lasts until disposed or until this process's connection to the store is lost.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken);
}
