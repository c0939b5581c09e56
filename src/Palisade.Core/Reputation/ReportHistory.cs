using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Time;

namespace Palisade.Core.Reputation;

/// <summary>
/// The recent reports of an address as verbose answers show them (date, categories, comment), read from the store when
/// such an answer is asked for: the index keeps only what scoring and checks need in memory, not each report's detail.
/// Checks are answered from memory, so they must not fail or wait with the store: when it cannot be read, the answer
/// goes out without its reports, and the store is not asked again for <see cref="PauseAfterFailure"/>.
/// </summary>
public sealed class ReportHistory(IReportStore store, ReputationIndex index, IClock clock, Action<Exception>? failed = null)
{
    /// <summary>The latest reports read for an answer; sensor observations among them are left out of it.</summary>
    public const int Shown = 10;

    /// <summary>How long answers go without reports after the store could not be read (no check waits on a dead store).</summary>
    public static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(5);

    private long _pausedUntilTicks;
    private long _failures;

    /// <summary>Times the store could not be read for an answer's reports (for /metrics).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The latest retained community reports behind <paramref name="result"/>, newest first, within the
    /// check's filters (maximum age, protocols); none for an unknown address; null when the store cannot be read now
    /// (the answer is then complete but for its reports, and must not be kept).</summary>
    public async Task<IReadOnlyList<StoredReport>?> RecentAsync(CheckResult result, CheckQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(query);
        if (!result.Found)
        {
            return [];
        }

        var now = clock.UtcNow;
        if (now.UtcTicks < Interlocked.Read(ref _pausedUntilTicks))
        {
            return null;
        }

        var since = now.AddDays(-index.Options.ReportRetentionDays);
        if (query.MaxAge is { } maxAge && now - maxAge > since)
        {
            since = now - maxAge;
        }

        IReadOnlyList<StoredReport> latest;
        try
        {
            latest = await store.LoadLatestAsync(result.Address.Text, since, 0, Shown, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            Interlocked.Exchange(ref _pausedUntilTicks, (now + PauseAfterFailure).UtcTicks);
            failed?.Invoke(e);
            return null;
        }

        var shown = new List<StoredReport>(latest.Count);
        foreach (var report in latest)
        {
            if (report.Kind == ReporterKind.Community &&
                (query.Protocols is not { Count: > 0 } protocols || (report.Protocol is not null && protocols.Contains(report.Protocol))))
            {
                shown.Add(report);
            }
        }

        return shown;
    }
}
