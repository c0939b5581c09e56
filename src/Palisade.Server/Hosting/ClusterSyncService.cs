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

    // Ids a catch-up reads at most; more (after a long outage, or a start after a burst) and the next one follows at once.
    internal const int CatchUpBatch = 50_000;

    // Before the engine loaded the store: the host creates every hosted service before it starts the first.
    private readonly DateTimeOffset _createdAt = clock.UtcNow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // By report id after the first catch-up (the reports stored since the last one, and the ids below it not committed
        // then): a window of receipt times re-read 35 s of every node's reports every 5 s.
        var cursor = new CatchUpCursor(CatchUpOverlap);
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

                while (await CatchUpAsync(cursor, stoppingToken) && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    // One catch-up; true when it read a full batch (more are waiting).
    private async Task<bool> CatchUpAsync(CatchUpCursor cursor, CancellationToken stoppingToken)
    {
        try
        {
            // The first one starts at the reports received shortly before the engine loaded the store (those committed late
            // around the load); like every other it lists ids and addresses, a batch at a time: a start right after a burst
            // listed the last minute's reports in one go (a million at the bench's load, ~1 s of one thread and a gen-2
            // collection: the requests of that second waited). Nearly all are here already (the load, this node's own
            // reports, those the notifications brought); only the missing ones are read whole.
            if (cursor.Highest is null)
            {
                cursor.StartAfter(await store.IdBeforeReceivedAsync(_createdAt - CatchUpOverlap, stoppingToken));
            }

            var stored = await store.ListAfterAsync(cursor.Highest!.Value, cursor.Gaps, CatchUpBatch, stoppingToken);
            var missing = new List<long>();
            var ids = new long[stored.Count];
            for (var i = 0; i < stored.Count; i++)
            {
                ids[i] = stored[i].Id;
                if (!index.Holds(stored[i].Address, stored[i].Id))
                {
                    missing.Add(stored[i].Id);
                }
            }

            var applied = 0;
            foreach (var report in missing.Count == 0 ? [] : await store.LoadByIdsAsync(missing, stoppingToken))
            {
                applied += index.ApplyRemote(report) ? 1 : 0;
            }

            cursor.Saw(ids, clock.UtcNow);
            if (applied > 0)
            {
                logger.LogInformation("Caught up with {Count} reports stored by other nodes", applied);
            }

            return stored.Count >= CatchUpBatch;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Catch-up from the store failed; retrying");
            return false;
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
