using Palisade.Core.Storage;
using Palisade.Core.Time;

namespace Palisade.Core.Reputation;

/// <summary>
/// Drops raw reports past their retention and addresses inactive past theirs, in the store first and then in memory.
/// Idempotent: a second run with the same clock deletes nothing.
/// </summary>
public sealed class RetentionJob(IReportStore store, ReputationIndex index, IClock clock)
{
    private long _runs;
    private long _reportsDeleted;
    private long _addressesDropped;

    /// <summary>Purges completed since the process started (for /metrics).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Reports deleted by those purges.</summary>
    public long ReportsDeleted => Interlocked.Read(ref _reportsDeleted);

    /// <summary>Addresses dropped by those purges.</summary>
    public long AddressesDropped => Interlocked.Read(ref _addressesDropped);

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var reportsBefore = now.AddDays(-index.Options.ReportRetentionDays);
        var inactiveBefore = now.AddDays(-index.Options.ReputationRetentionDays);
        var (reports, addresses) = await store.PurgeAsync(reportsBefore, inactiveBefore, cancellationToken);
        index.Purge(reportsBefore, inactiveBefore);
        Interlocked.Add(ref _reportsDeleted, reports);
        Interlocked.Add(ref _addressesDropped, addresses);
        Interlocked.Increment(ref _runs);
        return new RetentionResult(reports, addresses);
    }
}
