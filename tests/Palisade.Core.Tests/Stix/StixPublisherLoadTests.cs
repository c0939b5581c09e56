using Palisade.Core.Categories;
using Palisade.Core.Stix;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Stix;

/// <summary>After a restart the publisher reads every head (20-30 s at ten million); a poll that comes meanwhile, after a
/// report, gets that report's indicator without waiting for the load, continuing the objects published before.</summary>
public sealed class StixPublisherLoadTests : IDisposable
{
    private const string Known = "45.11.0.1";
    private const string Fresh = "45.11.0.2";
    private readonly BlocklistFixture _f = new();
    private readonly MemoryTaxiiStore _store = new();
    private readonly StixOptions _options = new() { MinimumScore = 1 };

    [Fact]
    public async Task A_poll_during_the_first_heads_load_publishes_what_it_waits_for_from_those_addresses_heads()
    {
        // The previous process published Known.
        _f.Report(Known, CategoryCatalog.PortScan, reporters: 3);
        using (var before = new StixPublisher(_f.Index, _f.Whitelist, _store, _options, _f.Clock))
        {
            await before.StartAsync(CancellationToken.None);
            await before.PublishDueAsync(CancellationToken.None);
        }

        var first = Assert.Single(_store.Versions(Known));
        Assert.Equal(0, first.Generation);

        // The next process: its heads load is held until the end of the test.
        _f.Clock.UtcNow += TimeSpan.FromMinutes(1);
        using var publisher = new StixPublisher(_f.Index, _f.Whitelist, _store, _options, _f.Clock);
        publisher.Listen();
        var release = _store.HoldFullLoads();
        var loading = publisher.StartAsync(CancellationToken.None);
        await _store.FullLoadStarted;

        _f.Report(Known, CategoryCatalog.BruteForce, "ssh", reporters: 3); // new labels: a new version
        _f.Report(Fresh, CategoryCatalog.PortScan, reporters: 3);
        await publisher.CatchUpAsync(CancellationToken.None);

        Assert.False(loading.IsCompleted);
        var known = _store.Versions(Known);
        Assert.Equal(2, known.Count);
        Assert.Equal((first.ObjectId, first.Created), (known[1].ObjectId, known[1].Created)); // the same object, a later version
        Assert.True(known[1].Modified > first.Modified);
        Assert.Contains("brute_force", known[1].Labels, StringComparison.Ordinal);
        Assert.Equal(0, Assert.Single(_store.Versions(Fresh)).Generation);

        // The load then brings Known's first version: the later one stays its head, and a rescan writes nothing twice.
        release.SetResult();
        await loading;
        await publisher.PublishDueAsync(CancellationToken.None);
        Assert.Equal(2, publisher.IndicatorCount);
        Assert.Equal(2, _store.Versions(Known).Count);
        Assert.Single(_store.Versions(Fresh));
        Assert.Equal(first.ObjectId, publisher.ObjectIdOf(Known));
    }

    [Fact]
    public async Task A_whitelist_entry_added_while_the_heads_load_revokes_in_the_next_poll_which_waits_for_the_load()
    {
        using var publisher = new StixPublisher(_f.Index, _f.Whitelist, _store, _options, _f.Clock);
        publisher.Listen();
        var release = _store.HoldFullLoads();
        var loading = publisher.StartAsync(CancellationToken.None);
        await _store.FullLoadStarted;
        _f.Report(Known, CategoryCatalog.PortScan, reporters: 3);
        await publisher.CatchUpAsync(CancellationToken.None);
        var listed = Assert.Single(_store.Versions(Known));

        _f.Whitelist.SetOperatorEntries([new WhitelistEntry(System.Net.IPNetwork.Parse("45.11.0.0/24"), "test", 0, "operator")]);
        var poll = publisher.CatchUpAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(poll.IsCompleted); // a rescan needs every head

        release.SetResult();
        await loading;
        await poll;
        var versions = _store.Versions(Known);
        Assert.Equal(2, versions.Count);
        Assert.Equal(listed.ObjectId, versions[1].ObjectId);
        Assert.True(versions[1].Revoked);
    }

    public void Dispose() => _f.Dispose();

    /// <summary>The version log in memory (collection "all" only), with a full heads load that can be held.</summary>
    private sealed class MemoryTaxiiStore : ITaxiiStore
    {
        private readonly List<StixVersion> _versions = [];
        private readonly TaskCompletionSource _fullLoadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _hold;

        public Task FullLoadStarted => _fullLoadStarted.Task;

        public TaskCompletionSource HoldFullLoads() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<IndicatorHead> Versions(string address)
        {
            lock (_versions)
            {
                return [.. _versions.Where(v => v.Indicator?.Address == address).Select(v => v.Indicator!)];
            }
        }

        public Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken) => Task.FromResult(new byte[32]);

        public async Task LoadHeadsAsync(long after, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
        {
            _fullLoadStarted.TrySetResult();
            if (_hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            foreach (var head in Latest(_ => true))
            {
                add(head);
            }
        }

        public Task LoadHeadsAsync(IReadOnlyCollection<string> addresses, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
        {
            foreach (var head in Latest(addresses.Contains))
            {
                add(head);
            }

            return Task.CompletedTask;
        }

        public Task<long> LastDateAddedAsync(CancellationToken cancellationToken)
        {
            lock (_versions)
            {
                return Task.FromResult(_versions.Count == 0 ? 0 : _versions.Max(v => v.DateAdded));
            }
        }

        public Task AppendAsync(IReadOnlyList<StixVersion> versions, CancellationToken cancellationToken)
        {
            lock (_versions)
            {
                _versions.AddRange(versions.Where(v => v.Collection == StixCollection.All));
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken)
        {
            lock (_versions)
            {
                return Task.FromResult<IReadOnlyList<StixVersion>>([.. _versions.Where(v => query.Ids is null || query.Ids.Contains(v.ObjectId))]);
            }
        }

        public Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken)
            => throw new NotSupportedException("The publisher does not ask for the lease itself.");

        // The last version of each indicator object whose address matches, in the order written.
        private List<StoredIndicatorHead> Latest(Func<string, bool> address)
        {
            lock (_versions)
            {
                return [.. _versions.Where(v => v.Indicator is { } i && address(i.Address)).GroupBy(v => v.ObjectId).Select(g => g.Last().Indicator!)
                    .Select(i => new StoredIndicatorHead(i.Address, i.Generation, i.Created, i.Modified, i.ValidUntil, i.Confidence, i.Labels, i.Techniques,
                        i.Revoked, i.InHighConfidence))];
            }
        }
    }
}
