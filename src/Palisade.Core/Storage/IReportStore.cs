using Palisade.Core.Reports;

namespace Palisade.Core.Storage;

/// <summary>Durable reports. The store is the source of truth; the in-memory index is rebuilt from it on start.</summary>
public interface IReportStore
{
    /// <summary>Stores reports in one transaction (all or none) and returns them with their ids.</summary>
    Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken);

    /// <summary>Every report received at or after <paramref name="since"/>, oldest first, without its comment and dialect
    /// (what the in-memory index is built from; <see cref="LoadLatestAsync"/> reads reports whole).</summary>
    IAsyncEnumerable<StoredReport> LoadSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>What a restart from an index snapshot replays: reports with an id above <paramref name="afterId"/> or received
    /// at or after <paramref name="receivedSince"/>, of those reported at or after <paramref name="reportedSince"/>, in id
    /// order, read as <see cref="LoadSinceAsync"/> reads them.</summary>
    IAsyncEnumerable<StoredReport> LoadForReplayAsync(long afterId, DateTimeOffset receivedSince, DateTimeOffset reportedSince, CancellationToken cancellationToken);

    /// <summary>Addresses some of whose reports were withdrawn (cleared) at or after <paramref name="since"/> (from the audit trail).</summary>
    Task<IReadOnlyList<string>> LoadClearedAddressesAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Reports reported at or after <paramref name="reportedSince"/> with an id up to <paramref name="throughId"/>
    /// (how a restart checks that the index it read back holds what the store holds).</summary>
    Task<long> CountRetainedAsync(DateTimeOffset reportedSince, long throughId, CancellationToken cancellationToken);

    /// <summary>Where a node's first catch-up starts (<see cref="CatchUpCursor.StartAfter"/>): one below the lowest id of the
    /// reports stored (received) at or after <paramref name="since"/>, or the highest id when none was (0 when the store is
    /// empty). The catch-up then lists the ids above it in batches (<see cref="ListAfterAsync"/>).</summary>
    Task<long> IdBeforeReceivedAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The id and address of the reports with an id above <paramref name="afterId"/> or among <paramref name="ids"/>,
    /// in id order, at most <paramref name="limit"/>: a catch-up after the first (<see cref="CatchUpCursor"/>).</summary>
    Task<IReadOnlyList<ReportLocator>> ListAfterAsync(long afterId, IReadOnlyCollection<long> ids, int limit, CancellationToken cancellationToken);

    /// <summary>The reports with these ids (those that still exist), oldest first: how a node loads what another node stored.</summary>
    Task<IReadOnlyList<StoredReport>> LoadByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Every retained report of one address, oldest first, read as <see cref="LoadSinceAsync"/> reads them (no
    /// comment or dialect): how the index reloads an address after a withdrawal, here or on another node.</summary>
    Task<IReadOnlyList<StoredReport>> LoadByAddressAsync(string address, CancellationToken cancellationToken);

    /// <summary>The reports of one address reported at or after <paramref name="since"/>, newest first (by report time, then
    /// id), the first <paramref name="skip"/> left out, at most <paramref name="limit"/>: what a verbose answer or a page of
    /// an address's reports shows, read when it is asked for (an address may hold a hundred thousand).</summary>
    Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int skip, int limit, CancellationToken cancellationToken);

    /// <summary>How many reports of one address were reported at or after <paramref name="since"/> (the total a page of
    /// them names).</summary>
    Task<int> CountByAddressAsync(string address, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Whether the key <paramref name="keyId"/> has a report of <paramref name="address"/>: read without taking
    /// the write path, which a withdrawal then takes only when there is something to delete.</summary>
    Task<bool> HasReportByKeyAsync(string address, long keyId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one key's reports of an address and records the request in the audit trail (who, what, why, how many),
    /// in one transaction. Returns the number of reports deleted.
    /// </summary>
    Task<int> ClearAsync(AddressClearance clearance, CancellationToken cancellationToken);

    /// <summary>Deletes reports older than <paramref name="reportsBefore"/> and every report of addresses whose last
    /// activity is older than <paramref name="addressesInactiveBefore"/>. Returns (reports deleted, addresses dropped).</summary>
    Task<(int Reports, int Addresses)> PurgeAsync(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore, CancellationToken cancellationToken);

    /// <summary>Accepted reports per key so far (feeds reporter trust).</summary>
    Task<IReadOnlyDictionary<long, long>> CountByKeyAsync(CancellationToken cancellationToken);
}
