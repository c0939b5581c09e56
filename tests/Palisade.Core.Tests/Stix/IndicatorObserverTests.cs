using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Stix;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Stix;

/// <summary>What an indicator says about an address's behaviours (issue 15: the publisher observes every address on a
/// rescan, so the texts are kept per behaviour set, not built per address).</summary>
public sealed class IndicatorObserverTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly ReputationIndex _index;
    private long _nextReport;

    public IndicatorObserverTests()
        => _index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(), _clock);

    private void Report(string address, int category, string? protocol, long key = 1)
    {
        // A protocol string of its own per report, as a request's parsed body gives: sets are compared by value.
        var report = new StoredReport(++_nextReport, address, key, ReporterKind.Community, 1.0, [category], protocol is null ? null : new string(protocol.AsSpan()),
            22, null, null, _clock.UtcNow, _clock.UtcNow, ReportSource.Local, null, null);
        _index.Apply(report);
    }

    private static IndicatorObservation Observe(IndicatorObserver observer, string address)
        => observer.Observe(AddressKey.Parse(address)) ?? throw new InvalidOperationException(address + " is not in the index");

    [Fact]
    public void Labels_are_most_severe_first_then_by_name_and_techniques_sorted_whatever_order_the_reports_came_in()
    {
        var observer = new IndicatorObserver(_index, new StixOptions());
        Report("45.10.0.1", CategoryCatalog.PortScan, null);
        Report("45.10.0.1", CategoryCatalog.BruteForce, "ssh");
        Report("45.10.0.1", CategoryCatalog.PortScan, null); // a behaviour seen twice is one label
        Report("45.10.0.2", CategoryCatalog.BruteForce, "ssh", key: 2);
        Report("45.10.0.2", CategoryCatalog.PortScan, null, key: 2);

        var first = Observe(observer, "45.10.0.1");
        var second = Observe(observer, "45.10.0.2");

        Assert.Equal("ssh:brute_force\nport_scan", first.Labels);
        var techniques = first.Techniques.Split('\n');
        Assert.Equal(techniques.Order(StringComparer.Ordinal), techniques);
        Assert.Contains("T1110", techniques);
        Assert.Contains("T1595.001", techniques);
        // The same behaviours, reported in another order by another reporter: the same texts, held once.
        Assert.Same(first.Labels, second.Labels);
        Assert.Same(first.Techniques, second.Techniques);
    }

    [Fact]
    public void A_protocol_makes_a_behaviour_of_its_own_and_a_new_behaviour_changes_the_labels()
    {
        var observer = new IndicatorObserver(_index, new StixOptions());
        Report("45.10.0.3", CategoryCatalog.BruteForce, "ssh");
        Report("45.10.0.4", CategoryCatalog.BruteForce, "ftp");
        Report("45.10.0.5", CategoryCatalog.BruteForce, null);

        Assert.Equal("ssh:brute_force", Observe(observer, "45.10.0.3").Labels);
        Assert.Equal("ftp:brute_force", Observe(observer, "45.10.0.4").Labels);
        Assert.Equal("brute_force", Observe(observer, "45.10.0.5").Labels);

        Report("45.10.0.3", CategoryCatalog.BruteForce, "ftp");
        Assert.Equal("ftp:brute_force\nssh:brute_force", Observe(observer, "45.10.0.3").Labels);
    }

    [Fact]
    public void Labels_stop_at_the_configured_most_and_an_unknown_address_has_no_observation()
    {
        var observer = new IndicatorObserver(_index, new StixOptions { MaxLabels = 2 });
        foreach (var protocol in new[] { "ssh", "ftp", "smtp", "imap" })
        {
            Report("45.10.0.6", CategoryCatalog.BruteForce, protocol);
        }

        Assert.Equal("ftp:brute_force\nimap:brute_force", Observe(observer, "45.10.0.6").Labels);
        Assert.Null(observer.Observe(AddressKey.Parse("45.10.0.7")));
    }
}
