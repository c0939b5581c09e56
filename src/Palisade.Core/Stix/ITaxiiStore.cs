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

    /// <summary>
    /// Hands <paramref name="add"/> indicators one at a time as they are read (ten million at community scale: no list of
    /// them is made). With <paramref name="after"/> 0, each object's last version that names an address, in no order; an
    /// address relisted after a revocation has one per object, and the highest generation is its head. Otherwise every
    /// indicator version added after <paramref name="after"/> (a <c>date_added</c>), in the order added: applied over the
    /// heads loaded through it, they make the current heads.
    /// </summary>
    Task LoadHeadsAsync(long after, Action<StoredIndicatorHead> add, CancellationToken cancellationToken);

    /// <summary>
    /// Hands <paramref name="add"/> the last version of each indicator object of these addresses (canonical text), in no
    /// order: one per generation, the highest being the address's head. For a few addresses, while every head loads.
    /// </summary>
    Task LoadHeadsAsync(IReadOnlyCollection<string> addresses, Action<StoredIndicatorHead> add, CancellationToken cancellationToken);

    /// <summary>The largest <c>date_added</c> (Unix µs) ever written, 0 when none.</summary>
    Task<long> LastDateAddedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends versions atomically; each becomes its object's latest, and an indicator version's fields become its
    /// address's head. Every version is in <see cref="StixCollection.All"/>; a <see cref="StixCollection.HighConfidence"/>
    /// version repeats an <see cref="StixCollection.All"/> version of the same call (same <c>date_added</c>), and once an
    /// object is there, each later version of it is too.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StixVersion> versions, CancellationToken cancellationToken);

    Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Asks to be the one publisher of this log (several nodes may share it). Null when another process publishes; the
    /// lease lasts until disposed or until this process's connection to the store is lost.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken);
}
