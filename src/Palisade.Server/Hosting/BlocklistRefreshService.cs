using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.Reputation;
using Palisade.Core.Time;

namespace Palisade.Server.Hosting;

/// <summary>
/// Rebuilds the blocklist snapshot just after each score refresh interval turns (decaying scores move without new data),
/// so the first firewall to pull after the turn does not wait while every address is scored again; and builds the first
/// one a second after start, so the first pull after a restart does not wait either (≈ 90 MB at a million listed
/// addresses, docs/performance.md "Blocklists").
/// </summary>
internal sealed class BlocklistRefreshService(BlocklistEngine engine, ReputationIndex index, IClock clock, ILogger<BlocklistRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = index.Options.ScoreRefreshInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            // The first full build right after start, in the background: the first list a firewall asks for after a
            // restart is then served from it instead of waiting for a build over every address (seconds at a million).
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            Refresh(first: true);
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.UtcNow;
                var turn = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
                var wait = turn - now + TimeSpan.FromSeconds(1);
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > interval * 2 ? interval : wait, stoppingToken);
                Refresh(first: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Refresh(bool first)
    {
        if (!first && !engine.HasSnapshot)
        {
            return;
        }

        try
        {
            engine.Current();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Refreshing the blocklist snapshot failed; the next request rebuilds it");
        }
    }
}
