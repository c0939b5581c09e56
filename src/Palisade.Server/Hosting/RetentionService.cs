using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Reputation;

namespace Palisade.Server.Hosting;

/// <summary>Runs the retention purge in the background, every <see cref="PalisadeOptions.RetentionInterval"/>.</summary>
internal sealed class RetentionService(RetentionJob job, PalisadeOptions options, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // The purge goes over every address: on a thread of its own, not the pool's (BlocklistRefreshService).
                    RetentionResult? result = null;
                    await BackgroundThread.Run("Retention purge", async () => result = await job.RunAsync(stoppingToken));
                    logger.LogInformation("Retention: {Reports} reports deleted, {Addresses} addresses dropped", result!.ReportsDeleted, result.AddressesDropped);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Retention purge failed; it will run again");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
