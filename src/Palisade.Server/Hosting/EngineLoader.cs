using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Server.Hosting;

/// <summary>
/// Brings the engine up before the first request: migrates the store, loads keys, the operator whitelist, today's
/// quota counters and the reputation index (from its snapshot and the reports stored after it, or from every retained
/// report).
/// </summary>
internal sealed class EngineLoader(
    IStoreLifecycle database,
    KeyRing keys,
    IWhitelistStore whitelistStore,
    WhitelistProvider whitelist,
    IQuotaStore quotaStore,
    IQuotaJournal quotas,
    IReportStore reports,
    ReputationIndex index,
    ReportService reportService,
    IClock clock,
    IndexSnapshotFile snapshot,
    SavedFullList savedList,
    ChangeWatchService changeWatch,
    PalisadeOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<EngineLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        await database.MigrateAsync(cancellationToken);
        await changeWatch.NoteLoadingAsync(cancellationToken);
        await keys.ReloadAsync(cancellationToken);
        var operatorWhitelist = await whitelistStore.ListAsync(cancellationToken);
        whitelist.SetOperatorEntries(operatorWhitelist);
        var now = clock.UtcNow;
        quotas.Load(await quotaStore.LoadAsync(QuotaDay.Of(now) - 1, cancellationToken));
        Core.Reputation.IndexRestore.Outcome outcome;
        await using (var file = snapshot.OpenForReading())
        {
            // With several nodes, replay what arrived shortly before the snapshot too (as the cluster catch-up does).
            var overlap = string.IsNullOrWhiteSpace(options.Redis) ? TimeSpan.Zero : ClusterSyncService.CatchUpOverlap;
            outcome = await new IndexRestore(reports, index, clock, overlap).LoadAsync(file, cancellationToken);
        }

        // The accepted reports per key (reporter trust): counted while the snapshot was read when it was adopted as written;
        // otherwise a scan of the reports table (no index on key_id, ~0.3 s of CPU at a million reports) once the server
        // listens, so that it does not share a core with the start. Writes wait for it.
        reportService.SeedAcceptedCounts(outcome.AcceptedByKey is { } counted ? Task.FromResult(counted) : AcceptedCountsAsync());
        var asWritten = outcome.FromSnapshot && outcome.Replayed == 0 && outcome.Reloaded == 0;
        if (asWritten)
        {
            snapshot.Matches(index.Version, outcome.Snapshot!);
        }

        savedList.Load(asWritten ? outcome.Snapshot : null, operatorWhitelist);
        if (outcome.FromSnapshot)
        {
            logger.LogInformation(
                "Engine ready: {Addresses} addresses from the index snapshot written at {WrittenAt:u}, {Replayed} reports stored after it replayed, {Reloaded} addresses re-read after withdrawals ({Database}; {Phases}) in {Elapsed} ms",
                index.Count, outcome.Snapshot!.WrittenAt, outcome.Replayed, outcome.Reloaded, database.Description, outcome.Phases, started.ElapsedMilliseconds);
            return;
        }

        if (outcome.Reason is { } reason)
        {
            logger.LogWarning("The index snapshot {Path} was not used: {Reason}. Every report is loaded from the store instead", snapshot.Path, reason);
        }

        logger.LogInformation("Engine ready: {Reports} reports of {Addresses} addresses loaded from {Database} in {Elapsed} ms",
            outcome.Replayed, index.Count, database.Description, started.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The accepted reports per key, counted once the server listens; retried while the store is away (writes wait).
    private async Task<IReadOnlyDictionary<long, long>> AcceptedCountsAsync()
    {
        var stopping = lifetime.ApplicationStopping;
        await BackgroundThread.ListeningAsync(lifetime, stopping);
        while (true)
        {
            try
            {
                return await reports.CountByKeyAsync(stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Counting the accepted reports per key failed; report writes wait, retrying in 1 s");
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }
        }
    }
}
