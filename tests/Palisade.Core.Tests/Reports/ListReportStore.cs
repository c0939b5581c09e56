using Palisade.Core.Reports;
using Palisade.Core.Storage;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// The reports of a store as a list, for the engine's tests: inserts are numbered and kept, reads filter the list the
/// way the SQL stores do. <see cref="Broken"/> makes every read fail (a store that is down). What no engine test asks
/// of a store throws.
/// </summary>
internal sealed class ListReportStore : IReportStore
{
    private long _next;

    public List<StoredReport> Reports { get; } = [];

    /// <summary>Reads throw while set.</summary>
    public bool Broken { get; set; }

    /// <summary>How many times <see cref="LoadLatestAsync"/> was asked.</summary>
    public int Reads { get; private set; }

    /// <summary>How many times <see cref="LoadByAddressAsync"/> was asked (a reload of the address).</summary>
    public int AddressReads { get; private set; }

    public Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredReport> stored = [.. reports.Select(r => r with { Id = Interlocked.Increment(ref _next) })];
        lock (Reports)
        {
            Reports.AddRange(stored);
        }

        return Task.FromResult(stored);
    }

    public Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int skip, int limit, CancellationToken cancellationToken)
    {
        Reads++;
        ThrowIfBroken();
        return Task.FromResult<IReadOnlyList<StoredReport>>([.. Reports.Where(r => r.Address == address && r.ReportedAt >= since)
            .OrderByDescending(r => r.ReportedAt).ThenByDescending(r => r.Id).Skip(skip).Take(limit)]);
    }

    public Task<int> CountByAddressAsync(string address, DateTimeOffset since, CancellationToken cancellationToken)
        => Task.FromResult(Reports.Count(r => r.Address == address && r.ReportedAt >= since));

    public Task<IReadOnlyList<StoredReport>> LoadByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ThrowIfBroken();
        return Task.FromResult<IReadOnlyList<StoredReport>>([.. Reports.Where(r => ids.Contains(r.Id))]);
    }

    public async IAsyncEnumerable<StoredReport> LoadForReplayAsync(long afterId, DateTimeOffset receivedSince, DateTimeOffset reportedSince,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfBroken();
        foreach (var report in Reports.Where(r => r.Id > afterId && r.ReportedAt >= reportedSince))
        {
            yield return report;
        }
    }

    public async IAsyncEnumerable<StoredReport> LoadSinceAsync(DateTimeOffset since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        ThrowIfBroken();
        foreach (var report in Reports.Where(r => r.ReportedAt >= since))
        {
            yield return report;
        }
    }

    public Task<IReadOnlyList<string>> LoadClearedAddressesAsync(DateTimeOffset since, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<long> CountRetainedAsync(DateTimeOffset reportedSince, long throughId, CancellationToken cancellationToken)
        => Task.FromResult((long)Reports.Count(r => r.ReportedAt >= reportedSince && r.Id <= throughId));

    public Task<long> IdBeforeReceivedAsync(DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ReportLocator>> ListAfterAsync(long afterId, IReadOnlyCollection<long> ids, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Awaited once, after the next <see cref="LoadByAddressAsync"/> has read its reports and before it returns
    /// them (what happens while a reader holds what it read).</summary>
    public Func<Task>? AfterNextAddressRead { get; set; }

    public async Task<IReadOnlyList<StoredReport>> LoadByAddressAsync(string address, CancellationToken cancellationToken)
    {
        AddressReads++;
        ThrowIfBroken();
        List<StoredReport> read;
        lock (Reports)
        {
            read = [.. Reports.Where(r => r.Address == address).OrderBy(r => r.Id)];
        }

        if (AfterNextAddressRead is { } after)
        {
            AfterNextAddressRead = null;
            await after();
        }

        return read;
    }

    /// <summary>How many times <see cref="ClearAsync"/> was asked (the write path of a withdrawal).</summary>
    public int Clears { get; private set; }

    public Task<bool> HasReportByKeyAsync(string address, long keyId, CancellationToken cancellationToken)
    {
        ThrowIfBroken();
        lock (Reports)
        {
            return Task.FromResult(Reports.Exists(r => r.Address == address && r.KeyId == keyId));
        }
    }

    public Task<int> ClearAsync(AddressClearance clearance, CancellationToken cancellationToken)
    {
        Clears++;
        ThrowIfBroken();
        lock (Reports)
        {
            return Task.FromResult(Reports.RemoveAll(r => r.Address == clearance.Address && r.KeyId == clearance.KeyId));
        }
    }

    public Task<(int Reports, int Addresses)> PurgeAsync(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore, CancellationToken cancellationToken)
        => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<long, long>> CountByKeyAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    private void ThrowIfBroken()
    {
        if (Broken)
        {
            throw new TimeoutException("the store is down");
        }
    }
}
