using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Stix;
using Palisade.Server.Hosting;

namespace Palisade.Server.Taxii;

/// <summary>
/// Runs the STIX publisher: listens for changes before the server takes requests (it is registered after the engine
/// loader, so the index is full by then), loads its state in the background, then publishes as reports arrive and
/// rescans on its interval. Readers also catch up on demand, so a poll never misses a report accepted before it.
/// With several nodes on one store, exactly one holds the publisher lease and writes the version log; the others
/// serve pages from it, refresh their view of it, and take over the lease when its holder goes away.
/// </summary>
/// <remarks>
/// The loop runs on a thread of its own (<see cref="BackgroundThread"/>) at a lower priority: the heads load and the
/// rescans (seconds to a minute of CPU at a million addresses) are work polls do not wait for, so a poll on a shared core
/// is not slowed by them. The first poll after a restart finds its path compiled and the store's pages read
/// (<see cref="FirstReadsWarmup"/>, before the server listens).
/// </remarks>
internal sealed class TaxiiPublisherService(StixPublisher publisher, ITaxiiStore store,
    StartupLoads loads, IHostApplicationLifetime lifetime, ILogger<TaxiiPublisherService> logger) : BackgroundService
{
    private readonly StartupLoads _loads = loads.Begin();

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FollowerRefresh = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);

    private IAsyncDisposable? _lease;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Reports taken from the first request on are collected; the published state (a head per indicator: seconds at a
        // million) loads in the background, so the server serves without waiting for it (polls that need it wait).
        publisher.Listen();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReleaseAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await BackgroundThread.ListeningAsync(lifetime, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            _loads.Done();
            return;
        }

        await BackgroundThread.Run("TAXII publisher", () => RunAsync(stoppingToken));
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!BackgroundThread.Yield())
        {
            logger.LogDebug("The TAXII publisher's thread runs at normal priority (lowering it was refused)");
        }

        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            _lease = await store.TryAcquirePublisherLeaseAsync(stoppingToken);
            if (_lease is not null)
            {
                // The heads are read after the first blocklist build (lists first: StartupLoads.FirstBuildAsync); polls
                // after a report meanwhile publish it themselves (StixPublisher.CatchUpAsync).
                await publisher.StartAsync(stoppingToken, async ct =>
                {
                    await _loads.FirstBuildAsync(ct);
                    started.Restart();
                });
                logger.LogInformation("TAXII publisher loaded {Indicators} indicators in {Elapsed} ms", publisher.IndicatorCount, started.ElapsedMilliseconds);
            }
            else
            {
                await _loads.FirstBuildAsync(stoppingToken);
                await publisher.FollowAsync(stoppingToken);
                logger.LogInformation("Another node publishes the TAXII feed; this node serves it");
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (or a start that failed, e.g. the port taken) while the state loaded: the services it used may
            // already be disposed; there is nothing to retry.
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Loading the TAXII publisher's state failed; retrying");
            await ReleaseAsync();
        }
        finally
        {
            _loads.Done();
        }

        var lastRefresh = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_lease is not null)
                {
                    await publisher.PublishDueAsync(stoppingToken);
                    await publisher.WaitForWorkAsync(Tick, stoppingToken);
                    // Reports stream in one by one: publish what a short while brought as one transaction, not one per
                    // report. A poll does not wait for this (it publishes what is pending itself, StixPublisher.CatchUpAsync).
                    await Task.Delay(Coalesce, stoppingToken);
                    continue;
                }

                _lease = await store.TryAcquirePublisherLeaseAsync(stoppingToken);
                if (_lease is not null)
                {
                    logger.LogInformation("This node now publishes the TAXII feed");
                    await publisher.StartAsync(stoppingToken);
                }
                else if (DateTime.UtcNow - lastRefresh >= FollowerRefresh)
                {
                    await publisher.FollowAsync(stoppingToken);
                    lastRefresh = DateTime.UtcNow;
                }

                await Task.Delay(Tick * 5, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store failure may have cost the lease (its connection): give it up and ask again.
                logger.LogWarning(ex, "Publishing STIX indicators failed; retrying");
                await ReleaseAsync();
                try
                {
                    await Task.Delay(Tick, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ReleaseAsync()
    {
        publisher.Pause();
        if (_lease is { } lease)
        {
            _lease = null;
            try
            {
                await lease.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogDebug(ex, "Releasing the publisher lease failed (its connection is gone, so is the lease)");
            }
        }
    }
}
