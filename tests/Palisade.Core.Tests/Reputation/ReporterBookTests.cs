using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reputation;

/// <summary>Reporter identity, network groups and corroboration, through the index as the faces use it.</summary>
public sealed class ReporterBookTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly ReporterBook _book;
    private readonly ReputationIndex _index;
    private readonly List<ApiKey> _keys = [];
    private long _nextReport;

    public ReporterBookTests()
    {
        _book = new ReporterBook(new TrustOptions(), _clock);
        _index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(),
            _clock, _book);
    }

    private ApiKey Key(string tier, string reporter, long reporterId, bool selfService = false, string? network = null, double ageDays = 0)
    {
        var key = new ApiKey(_keys.Count + 1, "k" + (_keys.Count + 1), tier, [], "p", _clock.UtcNow.AddDays(-ageDays), null, new Dictionary<QuotaFamily, long>())
        {
            Reporter = reporter,
            ReporterId = reporterId,
            SelfService = selfService,
            Network = network,
        };
        _keys.Add(key);
        _book.SetKeys(_keys, TierCatalog.Default);
        return key;
    }

    private void Report(ApiKey key, string address, int category = CategoryCatalog.BruteForce, double hoursAgo = 0.1)
    {
        var at = _clock.UtcNow.AddHours(-hoursAgo);
        _index.Apply(new StoredReport(++_nextReport, address, key.Id, ReporterKind.Community, 0.4, [category], "ssh", null, null, null, at, at,
            ReportSource.Local, null, null));
    }

    [Fact]
    public void All_keys_of_one_account_are_one_reporter()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => Key("free", "account-1", 4242, selfService: true)).ToList();
        foreach (var key in keys)
        {
            for (var i = 0; i < 8; i++)
            {
                Report(key, "45.77.1.2", CategoryCatalog.ExploitedHost, hoursAgo: i);
            }
        }

        Assert.Equal(1, _index.DistinctReporters("45.77.1.2", _clock.UtcNow.AddDays(-1)));
        var score = _index.Score("45.77.1.2");
        Assert.True(score.Score < 25, $"score {score.Score}");
        Assert.Equal(0, score.CriticalFloor);

        // A second report of one account through another of its keys is a duplicate of the first.
        Assert.NotNull(_index.FindDuplicate(keys[5].Id, "45.77.1.2", [CategoryCatalog.ExploitedHost], _clock.UtcNow));
    }

    [Fact]
    public void Accounts_sharing_a_network_count_together_and_are_found_by_the_networks_they_report_from()
    {
        var a = Key("free", "account-1", 1, selfService: true, network: "198.51.100.0/24");
        var b = Key("free", "account-2", 2, selfService: true, network: "198.51.100.0/24");
        var c = Key("free", "account-3", 3, selfService: true, network: "203.0.113.0/24");
        Assert.Equal(_book.Resolve(a.Id, 0).Network, _book.Resolve(b.Id, 0).Network);
        Assert.NotEqual(_book.Resolve(a.Id, 0).Network, _book.Resolve(c.Id, 0).Network);

        // Account 3 reports from the shared /24: it joins the group.
        _book.NoteCaller(c.Id, "198.51.100.77");
        Assert.Equal(_book.Resolve(a.Id, 0).Network, _book.Resolve(c.Id, 0).Network);
        Assert.Equal([(3L, "198.51.100.0/24")], _book.TakePendingNetworks());

        // Operator keys are not grouped by network unless their tier says so (Tier.GroupByNetwork).
        var operatorKey = Key("contributor", "key-9", 9);
        _book.NoteCaller(operatorKey.Id, "198.51.100.1");
        Assert.Equal(0, _book.Resolve(operatorKey.Id, 0).Network);
    }

    [Fact]
    public void A_self_service_reporter_graduates_when_independent_reporters_corroborate_it()
    {
        var stranger = Key("free", "account-1", 1, selfService: true, network: "198.51.100.0/24");
        var sameNetwork = Key("contributor", "key-2", 2);
        _book.NoteCaller(sameNetwork.Id, "198.51.100.5");
        var sybil = Key("free", "account-3", 3, selfService: true, network: "192.0.2.0/24");
        var operatorKey = Key("contributor", "key-4", 4);
        Assert.True(_book.Resolve(stranger.Id, 0).Provisional);

        // Corroboration by a provisional reporter, or from inside the stranger's own network group, does not count.
        for (var i = 1; i <= 3; i++)
        {
            Report(stranger, $"45.1.1.{i}");
            Report(sybil, $"45.1.1.{i}");
        }

        _book.Recompute(_index, null, _clock.UtcNow);
        Assert.Equal(0, _book.RecordOf(1).Corroborated);
        Assert.True(_book.Resolve(stranger.Id, 0).Provisional);

        // An established operator key seeing the same addresses within the window does.
        for (var i = 1; i <= 3; i++)
        {
            Report(operatorKey, $"45.1.1.{i}");
        }

        _book.Recompute(_index, null, _clock.UtcNow);
        Assert.Equal(3, _book.RecordOf(1).Corroborated);
        Assert.False(_book.Resolve(stranger.Id, 0).Provisional);
        Assert.True(_book.Resolve(stranger.Id, 0).Trust > ReporterTrust.Compute(ReporterKind.Community, 0.6, TimeSpan.Zero, default, true, false));
    }

    [Fact]
    public void Withdrawn_reports_lower_the_reporters_trust()
    {
        var key = Key("contributor", "key-1", 1, ageDays: 40);
        var before = _book.Resolve(key.Id, 0).Trust;
        for (var i = 1; i <= 10; i++)
        {
            Report(key, $"45.2.2.{i}");
            _index.Reload($"45.2.2.{i}", []);
        }

        _book.Recompute(_index, null, _clock.UtcNow);
        Assert.Equal(10, _book.RecordOf(1).Withdrawn);
        Assert.True(_book.Resolve(key.Id, 0).Trust < before * 0.5, $"{_book.Resolve(key.Id, 0).Trust} vs {before}");
    }
}
