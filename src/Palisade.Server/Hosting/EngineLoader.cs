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
/// quota counters and every retained report into memory.
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
    ILogger<EngineLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        await database.MigrateAsync(cancellationToken);
        await keys.ReloadAsync(cancellationToken);
        whitelist.SetOperatorEntries(await whitelistStore.ListAsync(cancellationToken));
        var now = clock.UtcNow;
        quotas.Load(await quotaStore.LoadAsync(QuotaDay.Of(now) - 1, cancellationToken));
        reportService.SeedAcceptedCounts(await reports.CountByKeyAsync(cancellationToken));
        var since = now.AddDays(-index.Options.ReportRetentionDays);
        long loaded = 0;
        await foreach (var report in reports.LoadSinceAsync(since, cancellationToken))
        {
            index.Apply(report);
            loaded++;
        }

        logger.LogInformation("Engine ready: {Reports} reports of {Addresses} addresses loaded from {Database} in {Elapsed} ms",
            loaded, index.Count, database.Description, started.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
