using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Alerts;
using Palisade.Core.Time;

namespace Palisade.Server.Alerts;

/// <summary>
/// Turns waiting matches into digests once each alert's cool-down allows, and sends the outbox: every due delivery is
/// leased, attempted, and recorded as sent, or rescheduled with exponential backoff until it runs out of attempts.
/// Everything it works from is in the store, so a restart resumes where the last process stopped.
/// </summary>
internal sealed partial class AlertDeliveryService(IAlertStore store, AlertRegistry registry, IEnumerable<IAlertDispatcher> dispatchers, AlertOptions options,
    IClock clock, ILogger<AlertDeliveryService> logger) : BackgroundService
{
    private const int BatchSize = 16;
    private readonly Dictionary<AlertChannel, IAlertDispatcher> _dispatchers = dispatchers.ToDictionary(d => d.Channel);
    private long _nextReload;
    private DateTimeOffset _nextPrune;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Matching starts with the server: reports accepted from the first request on are checked against every alert.
        await registry.ReloadAsync(cancellationToken);
        _nextReload = Environment.TickCount64 + (long)options.ReloadInterval.TotalMilliseconds;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await registry.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogPassFailed(logger, ex);
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass: re-read alerts when due, form due digests, send due deliveries, prune old ones.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 >= _nextReload)
        {
            await registry.ReloadAsync(cancellationToken);
            _nextReload = Environment.TickCount64 + (long)options.ReloadInterval.TotalMilliseconds;
        }

        await FormDigestsAsync(cancellationToken);
        while (true)
        {
            var due = await store.ClaimDueDeliveriesAsync(clock.UtcNow, options.WebhookTimeout * 3 + TimeSpan.FromSeconds(30), BatchSize, cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            // Every claimed delivery goes through DeliverAsync even when the server is stopping (no token here): a
            // delivery claimed and never started would stay leased, and wait out the lease after the restart.
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (delivery, _) => DeliverAsync(delivery, cancellationToken));
            if (due.Count < BatchSize)
            {
                break;
            }
        }

        var now = clock.UtcNow;
        if (now >= _nextPrune)
        {
            await store.PruneDeliveriesAsync(now - options.DeliveryRetention, cancellationToken);
            _nextPrune = now + TimeSpan.FromHours(1);
        }
    }

    private async Task FormDigestsAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        foreach (var alert in await store.ListDigestsDueAsync(now, 100, cancellationToken))
        {
            var events = await store.PendingEventsAsync(alert.Id, AlertDigest.MaxEvents, cancellationToken);
            if (events.Count == 0)
            {
                continue;
            }

            var waiting = await store.CountPendingEventsAsync(alert.Id, long.MaxValue, cancellationToken);
            var payload = AlertDigest.Build(alert, events, waiting, now);
            // A disabled alert's leftover matches are consumed without a message.
            var channels = alert.Enabled ? alert.Preferences.Channels : [];
            var deliveries = channels.Select(channel => new AlertDelivery(0, alert.Id, alert.KeyId, channel,
                channel == AlertChannel.Email ? alert.Preferences.NotifyEmail! : alert.Preferences.WebhookUrl!, payload, now, 0, now,
                AlertDeliveryStatus.Pending, null, null)).ToList();
            await store.CommitDigestAsync(alert, events[^1].Id, deliveries, now, cancellationToken);
        }
    }

    /// <remarks>What an attempt ended in is recorded whatever the server is doing (no token on those writes): a sent
    /// delivery whose record was cancelled would be sent again, a failed one would stay leased.</remarks>
    private async ValueTask DeliverAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        var attempts = delivery.Attempts + 1;
        try
        {
            var alert = await store.GetAsync(delivery.AlertId, cancellationToken);
            if (alert is null)
            {
                await store.CompleteDeliveryAsync(delivery.Id, AlertDeliveryStatus.Failed, delivery.Attempts, clock.UtcNow, null, "The alert was deleted.",
                    CancellationToken.None);
                return;
            }

            try
            {
                await _dispatchers[delivery.Channel].DeliverAsync(alert, delivery, cancellationToken);
                await store.CompleteDeliveryAsync(delivery.Id, AlertDeliveryStatus.Sent, attempts, clock.UtcNow, clock.UtcNow, null, CancellationToken.None);
            }
            catch (AlertDeliveryException ex)
            {
                var giveUp = attempts >= options.MaxAttempts;
                LogAttemptFailed(logger, delivery.Id, alert.Id, delivery.Channel, attempts, giveUp, ex.Message);
                await store.CompleteDeliveryAsync(delivery.Id, giveUp ? AlertDeliveryStatus.Failed : AlertDeliveryStatus.Pending, attempts,
                    clock.UtcNow + Backoff(attempts), null, ex.Message, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down before or during the attempt: give the lease back so the next process (or node) retries at once.
            await store.CompleteDeliveryAsync(delivery.Id, AlertDeliveryStatus.Pending, delivery.Attempts, delivery.NextAttemptAt, null, delivery.LastError,
                CancellationToken.None);
            throw;
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = options.RetryBaseDelay * factor;
        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery pass failed; retrying on the next pass.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of alert {AlertId} by {Channel} failed (attempt {Attempt}, given up: {GivenUp}): {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, long alertId, AlertChannel channel, int attempt, bool givenUp, string reason);
}
