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
using Palisade.Core.Tests.Reports;

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
        var store = new ListReportStore();
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

    // Usernames, e-mail addresses and /64 members: the views a restore rebuilds from the facts as it reads them.
    private StoredReport Session(int id, string address, string username, string email, int minutesAgo)
    {
        var at = _clock.UtcNow - TimeSpan.FromMinutes(minutesAgo);
        return new StoredReport(id, address, 1 + id % 3, ReporterKind.Community, 1.0, [CategoryCatalog.BruteForce], "ssh", 22, username, null, at, at,
            ReportSource.Local, null, null, email);
    }

    private static string Views(ReputationIndex index)
    {
        var root = index.FindUsername("root");
        var admin = index.FindUsername("admin");
        return JsonSerializer.Serialize(new
        {
            RootSessions = root?.TotalSessions, RootProtocols = root?.ProtocolCounts, root?.FirstSeen, root?.LastSeen, Admin = admin?.TotalSessions,
            Mail = index.FindEmail("spam@example.com"), Prefix = index.Prefix64("2a00:1450:4001:81c::5")?.Addresses,
        });
    }

    private (ListReportStore Store, ReputationIndex Index) Sessions()
    {
        var store = new ListReportStore();
        var index = NewIndex();
        for (var i = 0; i < 40; i++)
        {
            var address = i % 2 == 0 ? $"45.9.0.{i}" : $"2a00:1450:4001:81c::{i:x}";
            var report = Session(i + 1, address, i % 3 == 0 ? "admin" : "root", i % 4 == 0 ? "spam@example.com" : "", 10 + i);
            store.Reports.Add(report);
            index.Apply(report);
        }

        return (store, index);
    }

    [Fact]
    public async Task A_restore_rebuilds_the_username_email_and_prefix_views_once_with_or_without_reports_replayed()
    {
        var (store, index) = Sessions();
        using var snapshot = new MemoryStream();
        IndexSnapshot.Write(index, snapshot, _clock.UtcNow);

        snapshot.Position = 0;
        var restored = NewIndex();
        var outcome = await new IndexRestore(store, restored, _clock, TimeSpan.Zero).LoadAsync(snapshot, default);
        Assert.True(outcome.FromSnapshot, outcome.Reason);
        Assert.Equal(0, outcome.Replayed);
        Assert.Equal(Views(index), Views(restored));
        Assert.Contains("\"RootSessions\":26", Views(index), StringComparison.Ordinal);
        // Adopted as written: each key's reports counted as they were read, as the store counts them (reporter trust).
        Assert.Equal(store.Reports.GroupBy(r => r.KeyId).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Count())),
            outcome.AcceptedByKey!.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)));

        // Reports stored after the snapshot are replayed on top of what was read (and the store compared again).
        var later = Session(41, "2a00:1450:4001:81c::99", "root", "spam@example.com", 1);
        store.Reports.Add(later);
        index.Apply(later);
        snapshot.Position = 0;
        var caughtUp = NewIndex();
        outcome = await new IndexRestore(store, caughtUp, _clock, TimeSpan.Zero).LoadAsync(snapshot, default);
        Assert.True(outcome.FromSnapshot, outcome.Reason);
        Assert.Equal(1, outcome.Replayed);
        Assert.Equal(Views(index), Views(caughtUp));
        Assert.Null(outcome.AcceptedByKey); // counted in the store instead
    }

    [Fact]
    public async Task A_snapshot_read_then_refused_leaves_views_counted_once_by_the_store_load()
    {
        var (store, index) = Sessions();
        using var snapshot = new MemoryStream();
        IndexSnapshot.Write(index, snapshot, _clock.UtcNow);

        // Another store: the same last report, one report fewer before it — the snapshot is read, then refused when
        // compared, and every report is loaded from the store instead.
        var other = new ListReportStore();
        other.Reports.AddRange(store.Reports.Skip(1));
        var expected = NewIndex();
        foreach (var report in other.Reports)
        {
            expected.Apply(report);
        }

        snapshot.Position = 0;
        var restored = NewIndex();
        var outcome = await new IndexRestore(other, restored, _clock, TimeSpan.Zero).LoadAsync(snapshot, default);
        Assert.False(outcome.FromSnapshot);
        Assert.Contains("holds 40 reports where the store holds 39", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(Views(expected), Views(restored));
        Assert.NotEqual(Views(index), Views(restored));

        // A damaged snapshot is refused at its checksum, after every address was read: the same.
        var bytes = snapshot.ToArray();
        bytes[bytes.Length / 2] ^= 0x40;
        restored = NewIndex();
        outcome = await new IndexRestore(other, restored, _clock, TimeSpan.Zero).LoadAsync(new MemoryStream(bytes), default);
        Assert.False(outcome.FromSnapshot);
        Assert.Equal(Views(expected), Views(restored));
    }
}
