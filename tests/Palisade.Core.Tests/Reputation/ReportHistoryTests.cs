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

/// <summary>Verbose answers read their reports from the store; a store that cannot be read never fails or stalls a check.</summary>
public sealed class ReportHistoryTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly ReputationIndex _index;
    private readonly ListReportStore _store = new();
    private readonly List<Exception> _logged = [];
    private readonly ReportHistory _history;

    public ReportHistoryTests()
    {
        _index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(), _clock);
        _history = new ReportHistory(_store, _index, _clock, _logged.Add);
        foreach (var (id, kind, protocol) in new[] { (1L, ReporterKind.Community, "ssh"), (2L, ReporterKind.Sensor, "ssh"), (3L, ReporterKind.Community, "http") })
        {
            var report = new StoredReport(id, "45.9.1.1", id, kind, 1.0, [CategoryCatalog.BruteForce], protocol, null, null, $"comment {id}",
                _clock.UtcNow.AddHours(-id), _clock.UtcNow.AddHours(-id), ReportSource.Local, null, null);
            _store.Reports.Add(report);
            _index.Apply(report);
        }
    }

    private CheckResult Check(CheckQuery query) => _index.Check(IpAddressParser.Normalize(System.Net.IPAddress.Parse("45.9.1.1")), query);

    [Fact]
    public async Task Community_reports_are_listed_newest_first_within_the_checks_filters()
    {
        Assert.Equal(["comment 1", "comment 3"], (await _history.RecentAsync(Check(CheckQuery.Default), CheckQuery.Default, default))!.Select(r => r.Comment));

        var sshOnly = new CheckQuery(Protocols: new HashSet<string> { "ssh" });
        Assert.Equal(["comment 1"], (await _history.RecentAsync(Check(sshOnly), sshOnly, default))!.Select(r => r.Comment));

        var lastTwoHours = new CheckQuery(MaxAge: TimeSpan.FromHours(2));
        Assert.Equal(["comment 1"], (await _history.RecentAsync(Check(lastTwoHours), lastTwoHours, default))!.Select(r => r.Comment));
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_gives_no_reports_is_logged_and_is_not_asked_again_for_a_few_seconds()
    {
        _store.Broken = true;
        var result = Check(CheckQuery.Default);
        Assert.Null(await _history.RecentAsync(result, CheckQuery.Default, default));
        Assert.Single(_logged);
        Assert.Equal(1, _history.Failures);

        _store.Broken = false;
        Assert.Null(await _history.RecentAsync(result, CheckQuery.Default, default));
        Assert.Equal(1, _store.Reads);

        _clock.UtcNow += ReportHistory.PauseAfterFailure;
        Assert.Equal(2, (await _history.RecentAsync(result, CheckQuery.Default, default))!.Count);
    }
}
