using Palisade.Core.Blocklists;
using Palisade.Core.Categories;

namespace Palisade.Core.Tests.Blocklists;

public sealed class BlocklistEngineTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static BlocklistQuery All => new() { ScoreMinimum = 0 };

    private static object Shown(BlocklistEntry e)
        => (e.Address, e.Score, e.RawScore, e.FirstSeen, e.LastSeen, e.ExpiresAt, e.Sessions, string.Join(',', e.Protocols),
            string.Join(',', e.Categories), e.MaxSeverity, e.CountryCode, e.Asn);

    [Fact]
    public void Before_the_first_snapshot_a_lookup_answers_what_the_first_build_will_list_without_building_it()
    {
        _f.Report("45.1.9.1", CategoryCatalog.BruteForce, "ssh", reporters: 4);
        _f.Report("45.1.9.1", CategoryCatalog.PortScan, "tcp");
        _f.Report("80.1.9.2", CategoryCatalog.WebExploit, "http", reporters: 2);
        _f.Report("2a00::9", CategoryCatalog.PortScan);
        string[] known = ["45.1.9.1", "80.1.9.2", "2a00::9"];

        var early = known.Select(a => _f.Engine.TryFind(a, out var e) ? Shown(e) : null).ToList();
        Assert.False(_f.Engine.TryFind("45.1.9.3", out _));
        Assert.Equal(0, _f.Engine.FullBuilds);
        Assert.False(_f.Engine.HasSnapshot);

        _f.Engine.Current();
        var late = known.Select(a => _f.Engine.TryFind(a, out var e) ? Shown(e) : null).ToList();
        Assert.All(early, Assert.NotNull);
        Assert.Equal(late, early);
        Assert.False(_f.Engine.TryFind("45.1.9.3", out _));
    }

    [Fact]
    public void The_first_snapshots_pages_are_born_old_so_building_it_sets_off_no_young_collection()
    {
        // A million addresses fill ~1,000 pages; allocated young they set off ~230 collections in the first build's first
        // 100 ms after a restart, when the first requests arrive (docs/performance.md "Session 30").
        _f.Report("45.1.2.1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("2a00::2:1", CategoryCatalog.PortScan);

        var first = _f.Engine.Current();

        Assert.NotEmpty(first.Pages);
        Assert.All(first.Pages, page => Assert.Equal(GC.MaxGeneration, GC.GetGeneration(page)));
    }

    [Fact]
    public void List_is_sorted_by_score_highest_first_and_scoreMinimum_cuts_it()
    {
        _f.Report("45.1.1.1", CategoryCatalog.PortScan, "tcp", reporters: 1);
        _f.Report("45.1.1.2", CategoryCatalog.BruteForce, "ssh", reporters: 6);
        _f.Report("45.1.1.3", CategoryCatalog.WebExploit, "http", reporters: 3);

        var list = _f.Engine.Select(All);
        Assert.Equal(3, list.Count);
        var scores = list.Select(e => e.Score).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal("45.1.1.2", list[0].Address);
        Assert.Equal(_f.Index.Score("45.1.1.2").Score, list[0].Score);

        var threshold = list[1].Score;
        var cut = _f.Engine.Select(new BlocklistQuery { ScoreMinimum = threshold });
        Assert.All(cut, e => Assert.True(e.Score >= threshold));
        Assert.DoesNotContain(cut, e => e.Score < threshold);
        Assert.Equal(list.Count(e => e.Score >= threshold), cut.Count);
    }

    [Fact]
    public void Limit_keeps_the_best_and_reports_the_total()
    {
        for (var i = 1; i <= 5; i++)
        {
            _f.Report($"45.2.0.{i}", CategoryCatalog.BruteForce, "ssh", reporters: i);
        }

        var top = _f.Engine.Select(All with { Limit = 2 });
        Assert.Equal(2, top.Count);
        Assert.Equal(5, top.Total);
        Assert.Equal(["45.2.0.5", "45.2.0.4"], top.Select(e => e.Address));
    }

    [Fact]
    public void Every_filter_selects_what_it_names()
    {
        _f.Report("45.3.0.1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("80.3.0.1", CategoryCatalog.Spam, "smtp");
        _f.Report("2a00:1::1", CategoryCatalog.PortScan, "tcp");
        _f.Report("81.3.0.1", CategoryCatalog.Ddos, null, ago: TimeSpan.FromDays(10));

        string[] Addresses(BlocklistQuery q) => [.. _f.Engine.Select(q).Select(e => e.Address).Order(StringComparer.Ordinal)];

        Assert.Equal(["45.3.0.1"], Addresses(All with { OnlyCountries = new HashSet<string> { "US" } }));
        Assert.Equal(["45.3.0.1", "81.3.0.1"], Addresses(All with { ExceptCountries = new HashSet<string> { "DE" } }));
        Assert.Equal(["80.3.0.1"], Addresses(All with { OnlyAsns = new HashSet<uint> { 64501 } }));
        Assert.Equal(["2a00:1::1", "80.3.0.1", "81.3.0.1"], Addresses(All with { ExceptAsns = new HashSet<uint> { 64500 } }));
        Assert.Equal(["2a00:1::1"], Addresses(All with { IpVersion = IpVersionFilter.V6 }));
        Assert.Equal(["45.3.0.1", "80.3.0.1", "81.3.0.1"], Addresses(All with { IpVersion = IpVersionFilter.V4 }));
        Assert.Equal(["45.3.0.1", "80.3.0.1"], Addresses(All with { Protocols = new HashSet<string> { "ssh", "smtp" } }));
        Assert.Equal(["80.3.0.1"], Addresses(All with { Categories = new HashSet<int> { CategoryCatalog.Spam } }));
        Assert.Equal(["2a00:1::1", "45.3.0.1", "80.3.0.1"], Addresses(All with { MaxAgeDays = 7 }));
        var severe = Addresses(All with { MinSeverity = Severity.High });
        Assert.All(severe, a => Assert.True(_f.Engine.Select(All).First(e => e.Address == a).MaxSeverity >= Severity.High));
        Assert.Contains("45.3.0.1", severe); // brute force is high
    }

    [Fact]
    public void Entries_carry_geo_protocols_categories_and_expiry()
    {
        _f.Report("45.4.0.1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("45.4.0.1", CategoryCatalog.PortScan, "tcp");
        var entry = _f.Engine.Select(All).Single();
        Assert.Equal("US", entry.CountryCode);
        Assert.Equal(64500u, entry.Asn);
        Assert.Equal("Example, Inc.", _f.Geo.AsName(64500));
        Assert.Equal(["ssh", "tcp"], entry.Protocols);
        Assert.Equal([CategoryCatalog.BruteForce, CategoryCatalog.PortScan], entry.Categories);
        Assert.Equal(2, entry.Sessions);
        Assert.Equal(entry.LastSeen + TimeSpan.FromDays(_f.Index.Options.ReputationRetentionDays), entry.ExpiresAt);
    }

    [Fact]
    public void Snapshot_is_reused_until_the_data_changes()
    {
        _f.Report("45.5.0.1", CategoryCatalog.BruteForce, "ssh");
        var first = _f.Engine.Current();
        Assert.Same(first, _f.Engine.Current());
        var etag = _f.Engine.Select(All).ETag;

        _f.Report("45.5.0.2", CategoryCatalog.BruteForce, "ssh");
        var second = _f.Engine.Current();
        Assert.NotSame(first, second);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.NotEqual(etag, _f.Engine.Select(All).ETag);
    }

    [Fact]
    public void Etag_is_stable_when_the_listed_content_did_not_change()
    {
        _f.Report("45.6.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 8);
        var query = new BlocklistQuery { ScoreMinimum = _f.Index.Score("45.6.0.1").Score };
        var before = _f.Engine.Select(query).ETag;

        // A low-scored address elsewhere changes the data but not this list.
        _f.Report("45.6.0.2", CategoryCatalog.PortScan, "tcp");
        var after = _f.Engine.Select(query);
        Assert.Single(after);
        Assert.Equal(before, after.ETag);
    }

    [Fact]
    public void Changes_since_a_cursor_list_added_and_removed_addresses()
    {
        _f.Report("45.7.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 3);
        var cursor = _f.Engine.Select(All).Cursor;
        Assert.True(BlocklistCursor.TryParse(cursor, out var since, out _));

        _f.Report("45.7.0.2", CategoryCatalog.BruteForce, "ssh");
        var changes = _f.Engine.Changes(All, since);
        Assert.False(changes.Reset);
        Assert.Equal(["45.7.0.2"], changes.Added.Select(e => e.Address));
        Assert.Empty(changes.Removed);

        // Purging everything makes both addresses leave the list.
        Assert.True(BlocklistCursor.TryParse(changes.NextCursor, out var next, out _));
        _f.Index.Purge(_f.Clock.UtcNow.AddDays(1), _f.Clock.UtcNow.AddDays(1));
        var purged = _f.Engine.Changes(All, next);
        Assert.Empty(purged.Added);
        Assert.Equal(["45.7.0.1", "45.7.0.2"], purged.Removed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_address_ageing_past_max_age_in_days_is_listed_as_removed()
    {
        var query = All with { MaxAgeDays = 2 };
        _f.Report("45.7.1.1", CategoryCatalog.BruteForce, "ssh", ago: TimeSpan.FromDays(2) - TimeSpan.FromMinutes(2));
        _f.Report("45.7.1.2", CategoryCatalog.BruteForce, "ssh", ago: TimeSpan.FromHours(1));
        var before = _f.Engine.Select(query);
        Assert.Equal(["45.7.1.1", "45.7.1.2"], before.Select(e => e.Address).Order(StringComparer.Ordinal));
        Assert.True(BlocklistCursor.TryParse(before.Cursor, out var since, out _));

        // Three minutes later nothing happened to 45.7.1.1, but it is now older than two days.
        _f.Clock.UtcNow += TimeSpan.FromMinutes(3);
        _f.Report("45.7.1.3", CategoryCatalog.BruteForce, "ssh");
        var changes = _f.Engine.Changes(query, since);
        Assert.Equal(["45.7.1.3"], changes.Added.Select(e => e.Address));
        Assert.Equal(["45.7.1.1"], changes.Removed);
        Assert.DoesNotContain("45.7.1.1", _f.Engine.Select(query).Select(e => e.Address));
    }

    [Fact]
    public void Changes_respect_the_filters_of_the_query()
    {
        _f.Report("45.8.0.1", CategoryCatalog.BruteForce, "ssh");
        var query = All with { OnlyCountries = new HashSet<string> { "DE" } };
        Assert.True(BlocklistCursor.TryParse(_f.Engine.Select(query).Cursor, out var since, out _));
        _f.Report("45.8.0.2", CategoryCatalog.BruteForce, "ssh");
        _f.Report("80.8.0.2", CategoryCatalog.BruteForce, "ssh");
        var changes = _f.Engine.Changes(query, since);
        Assert.Equal(["80.8.0.2"], changes.Added.Select(e => e.Address));
    }

    [Fact]
    public void A_build_that_changes_more_addresses_than_the_journal_holds_drops_the_history_and_older_cursors_get_a_reset()
    {
        var engine = new BlocklistEngine(_f.Index, _f.Geo, _f.Clock, BlocklistEngine.RenderCacheBytes, journalMaxRecords: 3);
        _f.Report("45.9.1.1", CategoryCatalog.BruteForce, "ssh");
        Assert.True(BlocklistCursor.TryParse(engine.Select(All).Cursor, out var first, out _));
        _f.Report("45.9.1.2", CategoryCatalog.BruteForce, "ssh");
        var small = engine.Changes(All, first);
        Assert.False(small.Reset);
        Assert.Equal(["45.9.1.2"], small.Added.Select(e => e.Address));
        Assert.True(BlocklistCursor.TryParse(small.NextCursor, out var second, out _));

        // Twenty new addresses in one build: more than the three records the journal may hold.
        for (var i = 3; i <= 22; i++)
        {
            _f.Report($"45.9.1.{i}", CategoryCatalog.BruteForce, "ssh");
        }

        var big = engine.Changes(All, second);
        Assert.True(big.Reset);
        Assert.Equal(22, big.Added.Count);
        // It never held more than its bound, not even while the build ran (its list is as large as it ever was).
        Assert.InRange(engine.JournalCapacity, 0, 6);

        // From that build on, changes are followed again.
        Assert.True(BlocklistCursor.TryParse(big.NextCursor, out var third, out _));
        _f.Report("45.9.1.23", CategoryCatalog.BruteForce, "ssh");
        var after = engine.Changes(All, third);
        Assert.False(after.Reset);
        Assert.Equal(["45.9.1.23"], after.Added.Select(e => e.Address));
    }

    [Fact]
    public void A_cursor_from_another_process_gets_a_reset_with_the_whole_list()
    {
        _f.Report("45.9.0.1", CategoryCatalog.BruteForce, "ssh");
        Assert.True(BlocklistCursor.TryParse("cdeadbeef.3", out var foreign, out _));
        var changes = _f.Engine.Changes(All, foreign);
        Assert.True(changes.Reset);
        Assert.Equal(["45.9.0.1"], changes.Added.Select(e => e.Address));
    }

    [Fact]
    public void Cursor_parser_takes_cursors_and_timestamps_and_refuses_rubbish()
    {
        Assert.True(BlocklistCursor.TryParse("1795433906", out var seconds, out _));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795433906), seconds.Time);
        Assert.True(BlocklistCursor.TryParse("2026-02-01T00:00:00 01:00", out var iso, out _));
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), iso.Time);
        Assert.False(BlocklistCursor.TryParse("yesterday", out _, out var error));
        Assert.Contains("since", error, StringComparison.Ordinal);
    }

    [Fact]
    public void New_reports_on_a_listed_address_update_its_score_and_rank()
    {
        _f.Report("45.11.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 3);
        _f.Report("45.11.0.2", CategoryCatalog.BruteForce, "ssh", reporters: 1);
        Assert.Equal("45.11.0.1", _f.Engine.Select(All)[0].Address);

        _f.Report("45.11.0.2", CategoryCatalog.WebExploit, "http", reporters: 6);
        var list = _f.Engine.Select(All);
        Assert.Equal("45.11.0.2", list[0].Address);
        Assert.Equal(_f.Index.Score("45.11.0.2").Score, list[0].Score);
        Assert.Equal(["http", "ssh"], list[0].Protocols);
        Assert.Equal(7, list[0].Sessions);
        Assert.Equal(2, list.Count);
    }
}
