using System.Net;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>The compact score the blocklist reads (ReputationIndex.ScoreValue): same numbers as a check, kept current,
/// and a list of every address does not leave a full score explanation behind for each of them.</summary>
public sealed class BlocklistScoreValueTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private void RandomReports(Random random, int addresses)
    {
        string?[] protocols = ["ssh", "http", "smtp", null];
        var id = 100_000L;
        for (var a = 0; a < addresses; a++)
        {
            var address = $"45.9.{a / 250}.{(a % 250) + 1}";
            for (var r = random.Next(1, 12); r > 0; r--)
            {
                var at = _f.Clock.UtcNow - TimeSpan.FromHours(random.NextDouble() * 24 * 25);
                var kind = random.Next(4) == 0 ? ReporterKind.Sensor : ReporterKind.Community;
                _f.Index.Apply(new StoredReport(++id, address, random.Next(1, 9), kind, random.NextDouble() * 1.4, [random.Next(1, 17)],
                    protocols[random.Next(protocols.Length)], null, null, null, at, at, ReportSource.Local, null, null));
            }
        }
    }

    [Fact]
    public void Score_value_equals_the_checked_score_of_every_address()
    {
        RandomReports(new Random(7), 600);
        var distinct = new HashSet<int>();
        foreach (var entry in _f.Index.Addresses)
        {
            // Compact first, so it is computed on its own rather than taken from a cached breakdown.
            var compact = _f.Index.ScoreValue(entry);
            var full = _f.Index.Score(entry);
            Assert.Equal(full.Score, compact.Score);
            Assert.Equal(full.RawScore, compact.RawScore);
            distinct.Add(compact.Score);
        }

        Assert.True(distinct.Count > 20, $"only {distinct.Count} distinct scores");
    }

    [Fact]
    public void Listing_every_address_does_not_cache_a_breakdown_per_address()
    {
        RandomReports(new Random(11), 300);
        var list = _f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 });
        Assert.Equal(300, list.Count);
        Assert.All(_f.Index.Addresses, entry => Assert.Null(entry.Explained));
        Assert.All(list, e => Assert.Equal(_f.Index.Score(e.Address).Score, e.Score));
    }

    [Fact]
    public void Score_value_follows_new_reports_purges_and_the_whitelist()
    {
        _f.Report("45.8.0.1", CategoryCatalog.PortScan, "tcp", reporters: 1, ago: TimeSpan.FromDays(20));
        var entry = _f.Index.Find("45.8.0.1")!;
        var before = _f.Index.ScoreValue(entry);
        _f.Report("45.8.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 5);
        var more = _f.Index.ScoreValue(entry);
        Assert.True(more.Score > before.Score + 20, $"{more.Score} after more reports, {before.Score} before");
        Assert.Equal(_f.Index.Score(entry).Score, more.Score);

        // The strong evidence of this one is old: once purged, only a fresh port scan is left.
        _f.Report("45.8.0.2", CategoryCatalog.BruteForce, "ssh", reporters: 6, ago: TimeSpan.FromDays(3));
        _f.Report("45.8.0.2", CategoryCatalog.PortScan, "tcp", reporters: 1);
        var second = _f.Index.Find("45.8.0.2")!;
        var strong = _f.Index.ScoreValue(second);
        _f.Index.Purge(_f.Clock.UtcNow - TimeSpan.FromDays(1), _f.Clock.UtcNow - TimeSpan.FromDays(30));
        var purged = _f.Index.ScoreValue(second);
        Assert.True(purged.Score < strong.Score - 20, $"{purged.Score} after the purge, {strong.Score} before");
        Assert.Equal(_f.Index.Score(second).Score, purged.Score);

        _f.Whitelist.SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.8.0.0/24"), "partner", 0.5, "operator")]);
        var discounted = _f.Index.ScoreValue(entry);
        Assert.Equal(more.RawScore, discounted.RawScore);
        Assert.Equal((int)Math.Round(more.RawScore * 0.5, MidpointRounding.AwayFromZero), discounted.Score);
    }
}
