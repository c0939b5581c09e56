using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Hosting;

namespace Palisade.Server.Tests.Hosting;

/// <summary>The quota counters' flush to the store (<see cref="QuotaFlushService"/>): what keys were charged survives a
/// shutdown.</summary>
public sealed class QuotaFlushServiceTests
{
    [Fact]
    public async Task A_tick_flush_cut_short_by_shutdown_leaves_its_counters_to_the_flush_on_shutdown()
    {
        var store = new StallingFirstSaveStore();
        var counter = new InMemoryQuotaCounter();
        var now = DateTimeOffset.UtcNow;
        await counter.ConsumeUpToAsync(7, QuotaFamily.Taxii, 998, 100_000, now);
        var service = new QuotaFlushService(counter, store, new PalisadeOptions { QuotaFlushInterval = TimeSpan.FromMilliseconds(20) },
            new SystemClock(), NullLogger<QuotaFlushService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await store.FirstSaveStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await service.StopAsync(CancellationToken.None);

        // The tick's save was cancelled before it wrote anything; the 998 units were still written, by the last flush.
        var saved = Assert.Single(store.Saved);
        Assert.Equal(new QuotaUsage(7, QuotaFamily.Taxii, QuotaDay.Of(now), 998), saved);
    }

    /// <summary>A store whose first save waits until it is cancelled (a save in flight when shutdown begins).</summary>
    private sealed class StallingFirstSaveStore : IQuotaStore
    {
        private int _saves;

        public TaskCompletionSource FirstSaveStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<QuotaUsage> Saved { get; } = [];

        public Task<IReadOnlyList<QuotaUsage>> LoadAsync(int day, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<QuotaUsage>>([]);

        public async Task SaveAsync(IReadOnlyCollection<QuotaUsage> usages, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _saves) == 1)
            {
                FirstSaveStarted.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            lock (Saved)
            {
                Saved.AddRange(usages);
            }
        }
    }
}
