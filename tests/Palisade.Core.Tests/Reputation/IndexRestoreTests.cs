using System.Runtime;
using System.Text.Json;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reputation;

/// <summary>A start from a snapshot big enough to be read with garbage collection paused (issue 15: restart time) loads
/// the index the snapshot was written from, and leaves the collector running afterwards.</summary>
public sealed class IndexRestoreTests
{
    private const int Count = 100_000; // ~5 MB of snapshot: above the size read without collections

    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private ReputationIndex NewIndex()
        => new(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(), _clock);

    private static string Address(int i) => $"45.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";

    private static string Answer(ReputationIndex index, string address)
    {
        Assert.True(IpAddressParser.TryParse(address, out var parsed, out _));
        var check = index.Check(parsed, CheckQuery.Default);
        return JsonSerializer.Serialize(new { check.Found, check.Score, check.FirstSeen, check.LastSeen, check.TotalEvents, check.Categories, check.Protocols });
    }

    [Fact]
    public async Task A_large_snapshot_restores_every_address_as_written_and_collections_resume_after_it()
    {
        var store = new ListStore();
        var index = NewIndex();
        for (var i = 0; i < Count; i++)
        {
            var at = _clock.UtcNow - TimeSpan.FromMinutes(i % 5_000 + 10);
            var report = new StoredReport(i + 1, Address(i), 1 + i % 7, ReporterKind.Community, 1.0,
                [i % 3 == 0 ? CategoryCatalog.PortScan : CategoryCatalog.BruteForce], "ssh", 22, null, "a comment", at, at, ReportSource.Local, null, null, null);
            store.Reports.Add(report);
            index.Apply(report);
        }

        using var snapshot = new MemoryStream();
        IndexSnapshot.Write(index, snapshot, _clock.UtcNow);
        Assert.True(snapshot.Length > 4 << 20, $"the snapshot is {snapshot.Length} bytes");
        snapshot.Position = 0;

        var restored = NewIndex();
        var outcome = await new IndexRestore(store, restored, _clock, TimeSpan.Zero).LoadAsync(snapshot, default);

        Assert.True(outcome.FromSnapshot, outcome.Reason);
        Assert.Equal(Count, restored.Count);
        foreach (var i in new[] { 0, 1, 2, 255, 256, 4_999, 65_536, Count - 1 })
        {
            Assert.Equal(Answer(index, Address(i)), Answer(restored, Address(i)));
        }

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var collections = GC.CollectionCount(0);
        GC.Collect(0);
        Assert.True(GC.CollectionCount(0) > collections);
    }

    /// <summary>The reports a start reads back from the store: a list.</summary>
    private sealed class ListStore : IReportStore
    {
        public List<StoredReport> Reports { get; } = [];

        public Task<IReadOnlyList<StoredReport>> LoadByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
            => Task.FromResult<IReadOnlyList<StoredReport>>([.. Reports.Where(r => ids.Contains(r.Id))]);

        public async IAsyncEnumerable<StoredReport> LoadForReplayAsync(long afterId, DateTimeOffset receivedSince, DateTimeOffset reportedSince,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var report in Reports.Where(r => r.Id > afterId && r.ReportedAt >= reportedSince))
            {
                yield return report;
            }
        }

        public async IAsyncEnumerable<StoredReport> LoadSinceAsync(DateTimeOffset since,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var report in Reports.Where(r => r.ReportedAt >= since))
            {
                yield return report;
            }
        }

        public Task<IReadOnlyList<string>> LoadClearedAddressesAsync(DateTimeOffset since, CancellationToken cancellationToken)
            => Task.FromResult<IReadOnlyList<string>>([]);

        public Task<long> CountRetainedAsync(DateTimeOffset reportedSince, long throughId, CancellationToken cancellationToken)
            => Task.FromResult((long)Reports.Count(r => r.ReportedAt >= reportedSince && r.Id <= throughId));

        public Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredReport>> LoadReceivedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredReport>> LoadByAddressAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int limit, CancellationToken cancellationToken)
            => throw new NotSupportedException();

        public Task<int> ClearAsync(AddressClearance clearance, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<(int Reports, int Addresses)> PurgeAsync(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore, CancellationToken cancellationToken)
            => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<long, long>> CountByKeyAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
