using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// A report's reply carries the address's score, and the address keeps no explanation of it: under a stream of new
/// addresses a kept breakdown per reported address (~1 KB each) filled the heap and made every GC pause long.
/// </summary>
public sealed class ReportReplyScoreTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    private AuthenticatedKey Reporter(long id)
    {
        Assert.True(TierCatalog.Default.TryGet("free", out var tier));
        var key = new ApiKey(id, "reporter-" + id, tier.Id, [], "p", _clock.UtcNow.AddDays(-400), null, new Dictionary<QuotaFamily, long>());
        return new AuthenticatedKey(key, tier);
    }

    [Fact]
    public async Task A_reports_reply_carries_the_score_an_explained_check_gives_and_the_address_keeps_no_explanation()
    {
        var index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(),
            _clock);
        var service = new ReportService(new ListReportStore(), index, new InMemoryQuotaCounter(), _clock, new SingleNodeReportFeed());

        ReportResult last = null!;
        for (var reporter = 1; reporter <= 3; reporter++)
        {
            var batch = await service.SubmitAsync(Reporter(reporter),
                [new ReportSubmission("45.2.0.1", [CategoryCatalog.BruteForce], "ssh", 22) { ReporterAddress = $"198.51.{reporter}.7" }],
                CancellationToken.None);
            last = Assert.Single(batch.Results);
            Assert.Equal(ReportOutcomeKind.Accepted, last.Outcome);
        }

        var entry = index.Find("45.2.0.1");
        Assert.NotNull(entry);
        Assert.Null(entry.Explained);
        Assert.True(last.Score > 0, "three reporters give the address a score");
        Assert.Equal(index.ScoreOnce(entry).Score, last.Score);
    }
}
