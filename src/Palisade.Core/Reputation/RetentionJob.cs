using Palisade.Core.Storage;
using Palisade.Core.Time;

namespace Palisade.Core.Reputation;

/// <summary>
/// Drops raw reports past their retention and addresses inactive past theirs, in the store first and then in memory.
/// Idempotent: a second run with the same clock deletes nothing.
/// </summary>
public sealed class RetentionJob(IReportStore store, ReputationIndex index, IClock clock)
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var reportsBefore = now.AddDays(-index.Options.ReportRetentionDays);
        var inactiveBefore = now.AddDays(-index.Options.ReputationRetentionDays);
        var (reports, addresses) = await store.PurgeAsync(reportsBefore, inactiveBefore, cancellationToken);
        index.Purge(reportsBefore, inactiveBefore);
        return new RetentionResult(reports, addresses);
    }
}
