using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Quotas;
using Palisade.Core.Time;

namespace Palisade.Server.Hosting;

/// <summary>
/// Writes changed quota counters to the store every <see cref="PalisadeOptions.QuotaFlushInterval"/> and once more on
/// shutdown. Charging itself never waits for the database; a crash forgets at most one interval of counting.
/// </summary>
internal sealed class QuotaFlushService(IQuotaJournal counter, IQuotaStore store, PalisadeOptions options, IClock clock,
    ILogger<QuotaFlushService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.QuotaFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var dirty = counter.Snapshot();
        if (dirty.Count == 0)
        {
            return;
        }

        try
        {
            await store.SaveAsync(dirty, cancellationToken);
            counter.ForgetBefore(QuotaDay.Of(clock.UtcNow) - 1);
        }
        catch (OperationCanceledException)
        {
            // A tick's save cut short by shutdown: put them back for the flush on shutdown (the store upserts absolute
            // values, so one that committed after all is only written twice).
            counter.MarkDirty(dirty);
            throw;
        }
        catch (Exception ex)
        {
            // Put them back so the next tick retries.
            counter.MarkDirty(dirty);
            logger.LogWarning(ex, "Quota counters could not be saved; retrying");
        }
    }
}
