using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;
using Palisade.Server.Hosting;

namespace Palisade.Server.Trust;

/// <summary>
/// Keeps reporter standings current: stores the networks reporters were newly seen in (every few seconds), re-reads
/// those other nodes stored, and recomputes every reporter's corroboration record and trust every
/// <see cref="TrustOptions.RecomputeInterval"/>.
/// </summary>
internal sealed class ReporterStandingService(ReporterBook book, ReputationIndex index, WhitelistProvider whitelist, IKeyStore keys, TrustOptions options,
    IClock clock, ILogger<ReporterStandingService> logger) : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before requests are served: reports already loaded must count in their network groups from the first check.
        var started = System.Diagnostics.Stopwatch.StartNew();
        book.LoadNetworks(await keys.LoadReporterNetworksAsync(cancellationToken));
        if (book.RecordsRestored)
        {
            // The index snapshot carried the standings scoring used when it was written: serve with those until the next
            // recompute, as between any two recomputes (recomputing now would re-score every address right after start).
            logger.LogInformation("Reporter standings restored from the index snapshot in {Elapsed} ms", started.ElapsedMilliseconds);
        }
        else
        {
            book.Recompute(index, whitelist, clock.UtcNow);
            logger.LogInformation("Reporter standings computed over {Addresses} addresses in {Elapsed} ms", index.Count, started.ElapsedMilliseconds);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        var lastRecompute = clock.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                    if (clock.UtcNow - lastRecompute >= options.RecomputeInterval)
                    {
                        lastRecompute = clock.UtcNow;
                        book.LoadNetworks(await keys.LoadReporterNetworksAsync(stoppingToken));
                        // A pass over every address (about a second at a million): on a thread of its own, not the pool's
                        // (on one core it would hold the only worker, BlocklistRefreshService).
                        await BackgroundThread.Run("Reporter standings", () =>
                        {
                            book.Recompute(index, whitelist, clock.UtcNow);
                            return Task.CompletedTask;
                        });
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Reporter standings could not be updated; retrying");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reporter networks could not be stored at shutdown");
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var pending = book.TakePendingNetworks();
        if (pending.Count > 0)
        {
            await keys.AddReporterNetworksAsync(pending, clock.UtcNow, cancellationToken);
        }
    }
}
