using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reputation;

/// <summary>What the index keeps in memory per address (issue 15): facts for scoring and checks, whole reports only while
/// duplicate detection needs them.</summary>
public sealed class CompactIndexTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly ReputationIndex _index;
    private long _nextReport;

    public CompactIndexTests()
        => _index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(), _clock);

    private List<AddressReputation.Receipt> ReceiptsOf(AddressReputation entry)
    {
        var receipts = new List<AddressReputation.Receipt>();
        _index.Receipts.CopyOldestFirst(entry.Receipts, receipts);
        return receipts;
    }

    private StoredReport Report(string address, TimeSpan ago, long key = 1, int category = CategoryCatalog.BruteForce, string? comment = "failed logins",
        DateTimeOffset? reportedAt = null)
    {
        var received = _clock.UtcNow - ago;
        var report = new StoredReport(++_nextReport, address, key, ReporterKind.Community, 1.0, [category], new string("ssh".AsSpan()), 22, "root", comment,
            reportedAt ?? received, received, ReportSource.Local, null, null);
        _index.Apply(report);
        return report;
    }

    [Fact]
    public void Reports_received_before_the_duplicate_window_are_kept_as_facts_only()
    {
        Report("45.9.0.1", TimeSpan.FromHours(2));
        Report("45.9.0.1", TimeSpan.FromHours(1), category: CategoryCatalog.PortScan);

        var entry = _index.Find("45.9.0.1")!;
        Assert.Empty(ReceiptsOf(entry));
        Assert.Equal(2, entry.Facts.Count);
        Assert.Equal(2, entry.TotalReports);
        Assert.True(_index.Score("45.9.0.1").Score > 0);
    }

    [Fact]
    public void A_report_within_the_duplicate_window_is_still_found_as_the_duplicate_and_dropped_once_the_window_passes()
    {
        var first = Report("45.9.0.2", TimeSpan.FromMinutes(5));
        var entry = _index.Find("45.9.0.2")!;
        Assert.Single(ReceiptsOf(entry));

        Assert.Equal(first.Id, _index.FindDuplicate(1, "45.9.0.2", [CategoryCatalog.BruteForce], _clock.UtcNow));
        Assert.Null(_index.FindDuplicate(1, "45.9.0.2", [CategoryCatalog.PortScan], _clock.UtcNow));
        Assert.Null(_index.FindDuplicate(2, "45.9.0.2", [CategoryCatalog.BruteForce], _clock.UtcNow));

        _clock.UtcNow += ReportLimits.DuplicateWindow;
        Assert.Null(_index.FindDuplicate(1, "45.9.0.2", [CategoryCatalog.BruteForce], _clock.UtcNow));
        Report("45.9.0.2", TimeSpan.Zero, category: CategoryCatalog.PortScan);
        Assert.Equal([_nextReport], ReceiptsOf(entry).Select(r => r.ReportId));
    }

    [Fact]
    public void An_address_reported_several_times_within_the_window_is_a_duplicate_of_its_newest_matching_report_until_that_leaves_the_window()
    {
        Report("45.9.0.3", TimeSpan.FromMinutes(10));
        var scan = Report("45.9.0.3", TimeSpan.FromMinutes(6), category: CategoryCatalog.PortScan);
        var otherReporter = Report("45.9.0.3", TimeSpan.FromMinutes(4), key: 2);
        var bruteAgain = Report("45.9.0.3", TimeSpan.FromMinutes(2));

        Assert.Equal(bruteAgain.Id, _index.FindDuplicate(1, "45.9.0.3", [CategoryCatalog.BruteForce], _clock.UtcNow));
        Assert.Equal(scan.Id, _index.FindDuplicate(1, "45.9.0.3", [CategoryCatalog.PortScan], _clock.UtcNow));
        Assert.Equal(otherReporter.Id, _index.FindDuplicate(2, "45.9.0.3", [CategoryCatalog.BruteForce], _clock.UtcNow));

        _clock.UtcNow += ReportLimits.DuplicateWindow - TimeSpan.FromMinutes(5); // the first two are past the window now
        Assert.Null(_index.FindDuplicate(1, "45.9.0.3", [CategoryCatalog.PortScan], _clock.UtcNow));
        Assert.Equal(bruteAgain.Id, _index.FindDuplicate(1, "45.9.0.3", [CategoryCatalog.BruteForce], _clock.UtcNow));
    }

    [Fact]
    public void A_reload_without_a_withdrawn_report_no_longer_calls_a_new_report_its_duplicate()
    {
        var kept = Report("45.9.0.4", TimeSpan.FromMinutes(3), category: CategoryCatalog.PortScan);
        Report("45.9.0.4", TimeSpan.FromMinutes(2));
        Assert.NotNull(_index.FindDuplicate(1, "45.9.0.4", [CategoryCatalog.BruteForce], _clock.UtcNow));

        _index.Reload("45.9.0.4", [kept]);

        Assert.Null(_index.FindDuplicate(1, "45.9.0.4", [CategoryCatalog.BruteForce], _clock.UtcNow));
        Assert.Equal(kept.Id, _index.FindDuplicate(1, "45.9.0.4", [CategoryCatalog.PortScan], _clock.UtcNow));
    }

    [Fact]
    public void A_purge_after_the_duplicate_window_frees_the_receipts_of_addresses_that_got_no_new_report()
    {
        var first = Report("45.9.0.6", TimeSpan.FromMinutes(1));
        Report("45.9.0.7", TimeSpan.FromMinutes(1));
        _index.Purge(_clock.UtcNow.AddDays(-90), _clock.UtcNow.AddDays(-365));
        Assert.Equal(first.Id, _index.FindDuplicate(1, "45.9.0.6", [CategoryCatalog.BruteForce], _clock.UtcNow));

        _clock.UtcNow += ReportLimits.DuplicateWindow;
        _index.Purge(_clock.UtcNow.AddDays(-90), _clock.UtcNow.AddDays(-365));

        Assert.Empty(ReceiptsOf(_index.Find("45.9.0.6")!));
        Assert.Empty(ReceiptsOf(_index.Find("45.9.0.7")!));
        Assert.Equal(0, _index.Receipts.Count);
        Assert.Single(_index.Find("45.9.0.6")!.Facts);
        Assert.True(_index.Score("45.9.0.6").Score > 0);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("root", null)]
    [InlineData(null, "spam@example.com")]
    [InlineData("admin", "spam@example.com")]
    public void A_fact_gives_back_the_username_and_email_it_was_made_with_in_48_bytes(string? username, string? email)
    {
        var at = _clock.UtcNow;
        var fact = new ReportFact(7, 3, ReporterKind.Community, 0.5, CategoryCatalog.PortScan, "ssh", 22, username, at, ReportSource.Local, email);
        var same = new ReportFact(7, 3, ReporterKind.Community, 0.5, CategoryCatalog.PortScan, "ssh", 22,
            username is null ? null : new string(username.AsSpan()), at, ReportSource.Local, email is null ? null : new string(email.AsSpan()));

        Assert.Equal(username, fact.Username);
        Assert.Equal(email, fact.Email);
        Assert.Equal(CategoryCatalog.PortScan, fact.CategoryId);
        Assert.Equal(22, fact.Port);
        Assert.Equal(same, fact);
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<ReportFact>());
    }

    [Theory]
    [InlineData(null, CategoryCatalog.PortScan, ReporterKind.Community, ReportSource.Local, 1L)]
    [InlineData(0, CategoryCatalog.Other, ReporterKind.Sensor, ReportSource.Feed, 2_147_483_647L)]
    [InlineData(65_535, 1, ReporterKind.Sensor, ReportSource.Local, 42L)]
    [InlineData(22, CategoryCatalog.BruteForce, ReporterKind.Community, ReportSource.Feed, 7L)]
    public void A_fact_gives_back_its_packed_port_category_kind_source_and_key(int? port, int category, ReporterKind kind, ReportSource source, long keyId)
    {
        var fact = new ReportFact(9, keyId, kind, 0.75, category, null, port, null, _clock.UtcNow, source);

        Assert.Equal(port, fact.Port);
        Assert.Equal(category, fact.CategoryId);
        Assert.Equal(kind, fact.Kind);
        Assert.Equal(source, fact.Source);
        Assert.Equal(keyId, fact.KeyId);
        Assert.Equal(0.75, fact.Trust);
        Assert.Equal(9, fact.ReportId);
    }

    [Fact]
    public void A_fact_refuses_what_it_cannot_hold_instead_of_keeping_another_value()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportFact(1, 2_147_483_648L, ReporterKind.Community, 1, 1, null, null, null, _clock.UtcNow, ReportSource.Local));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportFact(1, 1, ReporterKind.Community, 1, 1_024, null, null, null, _clock.UtcNow, ReportSource.Local));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportFact(1, 1, ReporterKind.Community, 1, 1, null, 65_536, null, _clock.UtcNow, ReportSource.Local));
    }

    [Fact]
    public void An_address_reported_once_is_held_in_one_object_of_at_most_144_bytes()
    {
        // Issue 15: 10M addresses in <= 4 GB. The entry, its one fact and its address (a 128-bit value) are one object.
        var key = Palisade.Core.Addresses.AddressKey.Parse("45.9.0.1");
        var fact = new ReportFact(1, 1, ReporterKind.Community, 1.0, CategoryCatalog.BruteForce, "ssh", 22, "root", _clock.UtcNow, ReportSource.Local);
        var warm = new AddressReputation(key);
        warm.Facts.Add(fact);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var entry = new AddressReputation(key);
        entry.Facts.Add(fact);
        entry.TotalReports = 1;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= 144, $"{allocated} bytes");
        Assert.Equal(1, entry.TotalReports);
        Assert.Equal("45.9.0.1", entry.Address);
        Assert.Equal(fact, Assert.Single(entry.Facts));
    }

    [Fact]
    public void Facts_keep_their_order_through_growth_and_a_partial_purge()
    {
        for (var day = 10; day >= 1; day--)
        {
            Report("45.9.0.8", TimeSpan.FromDays(day), category: day % 2 == 0 ? CategoryCatalog.BruteForce : CategoryCatalog.PortScan);
        }

        var entry = _index.Find("45.9.0.8")!;
        Assert.Equal(10, entry.Facts.Count);
        Assert.Equal(entry.Facts.OrderBy(f => f.At).Select(f => f.ReportId), entry.Facts.Select(f => f.ReportId));

        var (dropped, _) = _index.Purge(_clock.UtcNow.AddDays(-5.5), _clock.UtcNow.AddDays(-365));

        Assert.Equal(5, dropped);
        Assert.Equal(5, entry.Facts.Count);
        Assert.Equal(5, entry.TotalReports);
        Assert.All(entry.Facts, f => Assert.True(f.At >= _clock.UtcNow.AddDays(-5.5)));
        Assert.Equal(entry.Facts.OrderBy(f => f.At).Select(f => f.ReportId), entry.Facts.Select(f => f.ReportId));
    }

    [Fact]
    public void Facts_keep_what_the_report_said_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 20, 7, 0, 0, TimeSpan.FromHours(-4));
        Report("45.9.0.3", TimeSpan.Zero, reportedAt: local);
        var fact = Assert.Single(_index.Find("45.9.0.3")!.Facts);
        Assert.Equal(local, fact.At);
        Assert.Equal(TimeSpan.Zero, fact.At.Offset);
        Assert.Equal(22, fact.Port);
        Assert.Equal("root", fact.Username);
        Assert.Equal(ReporterKind.Community, fact.Kind);
        Assert.Equal(ReportSource.Local, fact.Source);
        Assert.Equal(local, _index.Find("45.9.0.3")!.FirstSeen);
    }

    [Fact]
    public void Protocol_names_are_held_once_across_addresses()
    {
        Report("45.9.0.4", TimeSpan.Zero);
        Report("45.9.0.5", TimeSpan.Zero);
        var a = Assert.Single(_index.Find("45.9.0.4")!.Facts).Protocol;
        var b = Assert.Single(_index.Find("45.9.0.5")!.Facts).Protocol;
        Assert.Equal("ssh", a);
        Assert.Same(a, b);
    }

    [Fact]
    public void An_address_that_was_never_checked_holds_no_explained_score()
    {
        Report("45.9.0.6", TimeSpan.Zero);
        var entry = _index.Find("45.9.0.6")!;
        _index.ScoreValue(entry);
        Assert.Null(entry.Explained);

        _index.Score(entry);
        Assert.NotNull(entry.Explained?.Score);
    }
}
