using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Storage.Redis;

namespace Palisade.Server.Hosting;

/// <summary>
/// Keeps this node's in-memory view in step with reports other nodes stored: at once through Redis notifications,
/// and every few seconds from the store (covering notifications lost while Redis was away). Applying is idempotent.
/// </summary>
internal sealed class ClusterSyncService(RedisReportFeed feed, IReportStore store, ReputationIndex index, IClock clock,
    ILogger<ClusterSyncService> logger) : BackgroundService
{
    private static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan CatchUpOverlap = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastCatchUp = clock.UtcNow - CatchUpOverlap;
        var subscribed = false;
        using var timer = new PeriodicTimer(CatchUpInterval);
        try
        {
            do
            {
                if (!subscribed)
                {
                    subscribed = await TrySubscribeAsync(stoppingToken);
                }

                var started = clock.UtcNow;
                try
                {
                    // Ids and addresses only: nearly all of them are here already (this node's own reports, those the
                    // notifications brought, at a start those the engine loaded), and reading every report of the window
                    // whole (35 s of a busy cluster's reports, every 5 s) cost more than the reports' own writes.
                    var missing = new List<long>();
                    foreach (var stored in await store.ListReceivedSinceAsync(lastCatchUp - CatchUpOverlap, stoppingToken))
                    {
                        if (!index.Holds(stored.Address, stored.Id))
                        {
                            missing.Add(stored.Id);
                        }
                    }

                    var applied = 0;
                    foreach (var report in missing.Count == 0 ? [] : await store.LoadByIdsAsync(missing, stoppingToken))
                    {
                        applied += index.ApplyRemote(report) ? 1 : 0;
                    }

                    lastCatchUp = started;
                    if (applied > 0)
                    {
                        logger.LogInformation("Caught up with {Count} reports stored by other nodes", applied);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Catch-up from the store failed; retrying");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> TrySubscribeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await feed.SubscribeAsync(async ids =>
            {
                try
                {
                    foreach (var report in await store.LoadByIdsAsync(ids, stoppingToken))
                    {
                        index.ApplyRemote(report);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not load {Count} reports another node announced; the next catch-up will", ids.Count);
                }
            }, async address =>
            {
                try
                {
                    index.Reload(address, await store.LoadByAddressAsync(address, stoppingToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not reload {Address} after another node changed it", address);
                }
            });
            return true;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            logger.LogWarning("Redis is unavailable; relying on store catch-up until it returns");
            return false;
        }
    }
}
