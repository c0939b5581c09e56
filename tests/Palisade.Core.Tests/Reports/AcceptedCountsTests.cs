using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// A start counts each key's accepted reports after it listens (a scan of every stored report); reports submitted before
/// that count is in wait for it, so a key with a long history is weighed as it was before the restart, not as a new one;
/// and a count that does not come answers as a store that is away, not with a request that hangs.
/// </summary>
public sealed class AcceptedCountsTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private (ReportService Service, ReputationIndex Index) NewService() => ReportServiceSetup.NewService(_clock);

    private AuthenticatedKey Reporter() => ReportServiceSetup.Reporter(_clock);

    private static ReportSubmission Submission(string ip) => new(ip, [CategoryCatalog.BruteForce], "ssh", 22);

    private static double TrustOfReport(ReputationIndex index, string ip)
    {
        var entry = index.Find(ip);
        Assert.NotNull(entry);
        return Assert.Single(entry.Facts.ToArray()).Trust;
    }

    [Fact]
    public async Task A_report_taken_before_the_count_is_in_waits_for_it_and_is_weighed_with_the_keys_history()
    {
        var (fresh, freshIndex) = NewService();
        await fresh.SubmitAsync(Reporter(), [Submission("45.1.0.1")], CancellationToken.None);
        var withoutHistory = TrustOfReport(freshIndex, "45.1.0.1");

        var (service, index) = NewService();
        var counts = new TaskCompletionSource<IReadOnlyDictionary<long, long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        service.SeedAcceptedCounts(counts.Task);
        var submitted = service.SubmitAsync(Reporter(), [Submission("45.1.0.1")], CancellationToken.None);
        await Task.Delay(100);
        Assert.False(submitted.IsCompleted);
        Assert.Null(index.Find("45.1.0.1"));

        counts.SetResult(new Dictionary<long, long> { [7] = 5_000 });
        var result = await submitted;

        Assert.Equal(ReportOutcomeKind.Accepted, Assert.Single(result.Results).Outcome);
        Assert.True(TrustOfReport(index, "45.1.0.1") > withoutHistory, "weighed with the 5,000 reports accepted before the restart");
    }

    [Fact]
    public async Task A_count_that_does_not_come_answers_as_a_store_that_is_away()
    {
        var (service, index) = NewService();
        service.AcceptedCountsWait = TimeSpan.FromMilliseconds(200);
        service.SeedAcceptedCounts(new TaskCompletionSource<IReadOnlyDictionary<long, long>>().Task);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => service.SubmitAsync(Reporter(), [Submission("45.1.0.2")], CancellationToken.None));
        Assert.Null(index.Find("45.1.0.2"));
    }
}
