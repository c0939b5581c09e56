using Palisade.Core.Categories;
using Palisade.Core.Blocklists;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>A list kept up to date report by report must be the list a fresh build gives for the same data.</summary>
public sealed class BlocklistIncrementalTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static List<(string Address, int Score)> Listed(BlocklistSelection selection, bool raw)
        => [.. selection.Select(e => (e.Address, raw ? e.RawScore : e.Score))];

    private void AssertSameAsFreshBuild(BlocklistQuery query, BlocklistEngine? freshEngine = null)
    {
        var kept = _f.Engine.Select(query);
        var fresh = (freshEngine ?? new BlocklistEngine(_f.Index, _f.Geo, _f.Clock)).Select(query);
        var keptList = Listed(kept, query.IgnoreWhitelist);
        var freshList = Listed(fresh, query.IgnoreWhitelist);
        Assert.Equal(freshList.Count, keptList.Count);
        Assert.Equal(fresh.Total, kept.Total);
        // Highest first; equal scores may come in another order (slots differ between engines), so compare as sets per score.
        Assert.Equal(keptList.Select(e => e.Score).OrderDescending(), keptList.Select(e => e.Score));
        Assert.Equal(freshList.OrderByDescending(e => e.Score).ThenBy(e => e.Address, StringComparer.Ordinal),
            keptList.OrderByDescending(e => e.Score).ThenBy(e => e.Address, StringComparer.Ordinal));
        Assert.Equal(fresh.ETag, kept.ETag);
    }

    [Fact]
    public void Lists_kept_up_to_date_report_by_report_equal_a_fresh_build()
    {
        var random = new Random(42);
        for (var i = 0; i < 4000; i++)
        {
            _f.RandomReport(random, 3000);
        }

        var all = new BlocklistQuery { ScoreMinimum = 0 };
        var raw = all with { IgnoreWhitelist = true };
        var high = new BlocklistQuery { ScoreMinimum = 40 };
        Assert.True(_f.Engine.Select(all).Count > 2 * BlocklistSnapshot.PageSize, "more than two pages of addresses");
        _f.Engine.Select(raw);
        var before = _f.Engine.Current().Generation;

        for (var round = 0; round < 40; round++)
        {
            // One to a few reports between pulls, on known and on new addresses.
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                _f.RandomReport(random, 3600);
            }

            AssertSameAsFreshBuild(round % 3 == 0 ? raw : round % 3 == 1 ? all : high);
        }

        Assert.True(_f.Engine.Current().Generation >= before + 40);
    }

    [Fact]
    public void Addresses_reported_many_times_between_pulls_are_listed_once_by_an_incremental_build()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            _f.RandomReport(random, 1500);
        }

        var all = new BlocklistQuery { ScoreMinimum = 0 };
        _f.Engine.Select(all);
        var incremental = _f.Engine.IncrementalBuilds;
        // 3,000 reports over 1,600 addresses (new and known ones): most addresses are reported more than once.
        for (var i = 0; i < 3000; i++)
        {
            _f.RandomReport(random, 1600);
        }

        AssertSameAsFreshBuild(all);
        Assert.Equal(incremental + 1, _f.Engine.IncrementalBuilds);
        var listed = _f.Engine.Select(all).Select(e => e.Address).ToList();
        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void More_reports_between_pulls_than_the_index_has_addresses_make_the_next_build_a_full_one_with_the_same_list()
    {
        var random = new Random(12);
        for (var i = 0; i < 3000; i++)
        {
            _f.RandomReport(random, 2500);
        }

        var all = new BlocklistQuery { ScoreMinimum = 0 };
        _f.Engine.Select(all);
        var full = _f.Engine.FullBuilds;
        // Past 65,536 changes (and one per four addresses) the engine stops keeping the changed addresses.
        for (var i = 0; i < 70_000; i++)
        {
            _f.RandomReport(random, 2600);
        }

        AssertSameAsFreshBuild(all);
        Assert.Equal(full + 1, _f.Engine.FullBuilds);

        // After it, builds are incremental again.
        var incremental = _f.Engine.IncrementalBuilds;
        _f.RandomReport(random, 2700);
        AssertSameAsFreshBuild(all);
        Assert.Equal(incremental + 1, _f.Engine.IncrementalBuilds);
    }

    [Fact]
    public void Changes_to_more_than_a_quarter_of_the_addresses_make_the_next_build_a_full_one_with_the_same_list()
    {
        // A bulk load changes millions of addresses between builds: keeping every one to build incrementally held a
        // dictionary of them all (360 MB at ten million), for a build that costs about what a full one does.
        static string Address(int i) => $"45.{i >> 16}.{(i >> 8) & 255}.{i & 255}";
        for (var i = 0; i < 300_000; i++)
        {
            _f.Report(Address(i), CategoryCatalog.PortScan);
        }

        var all = new BlocklistQuery { ScoreMinimum = 0 };
        _f.Engine.Select(all);
        var (incremental, full) = (_f.Engine.IncrementalBuilds, _f.Engine.FullBuilds);

        for (var i = 0; i < 70_000; i++) // under a quarter: incremental
        {
            _f.Report(Address(i), CategoryCatalog.BruteForce, "ssh");
        }

        _f.Engine.Select(all);
        Assert.Equal((incremental + 1, full), (_f.Engine.IncrementalBuilds, _f.Engine.FullBuilds));

        for (var i = 100_000; i < 180_000; i++) // over a quarter (75,000)
        {
            _f.Report(Address(i), CategoryCatalog.BruteForce, "ssh");
        }

        AssertSameAsFreshBuild(all);
        Assert.Equal(full + 1, _f.Engine.FullBuilds);
    }

    [Fact]
    public void The_first_snapshot_made_on_every_core_is_the_list_kept_report_by_report()
    {
        // After a start every filtered list waits for the first build, so it makes the entries on every core, each helper
        // thread announced first (the server lowers its priority there).
        var random = new Random(7);
        var all = new BlocklistQuery { ScoreMinimum = 0 };
        for (var i = 0; i < 30_000; i++)
        {
            _f.RandomReport(random, 20_000);
            if (i % 2_000 == 0)
            {
                _f.Engine.Select(all);
            }
        }

        var helpers = 0;
        var first = new BlocklistEngine(_f.Index, _f.Geo, _f.Clock) { HelperStarting = () => Interlocked.Increment(ref helpers) };
        AssertSameAsFreshBuild(all, first);
        AssertSameAsFreshBuild(all with { IgnoreWhitelist = true }, first);
        Assert.True(first.Select(all).Count > 10 * 1024, "entries on several pages");
        Assert.Equal(Environment.ProcessorCount - 1, helpers);
    }

    [Fact]
    public void An_unchanged_list_keeps_its_tag_after_a_report_below_its_minimum()
    {
        var random = new Random(5);
        for (var i = 0; i < 1500; i++)
        {
            _f.RandomReport(random, 1200);
        }

        var query = new BlocklistQuery { ScoreMinimum = 60 };
        var first = _f.Engine.Select(query);
        Assert.True(first.Count > 0);
        _f.Report("80.99.0.1", Palisade.Core.Categories.CategoryCatalog.PortScan, "tcp", reporters: 1, ago: TimeSpan.FromDays(15));
        var second = _f.Engine.Select(query);
        Assert.NotEqual(first.Snapshot.Generation, second.Snapshot.Generation);
        Assert.Equal(first.ETag, second.ETag);
        _f.Report("80.99.0.2", Palisade.Core.Categories.CategoryCatalog.BruteForce, "ssh", reporters: 8);
        Assert.NotEqual(first.ETag, _f.Engine.Select(query).ETag);
    }
}
