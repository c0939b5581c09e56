using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>
/// Runs the STIX publisher: loads its state before the server takes requests (it is registered after the engine
/// loader, so the index is full by then), then publishes as reports arrive and rescans on its interval. Readers also
/// catch up on demand, so a poll never misses a report accepted before it.
/// </summary>
internal sealed class TaxiiPublisherService(StixPublisher publisher, ILogger<TaxiiPublisherService> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await publisher.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await publisher.CatchUpAsync(stoppingToken);
                await publisher.WaitForWorkAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Publishing STIX indicators failed; retrying");
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
}
