using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// A report's reply carries the address's score, and the address keeps no explanation of it: under a stream of new
/// addresses a kept breakdown per reported address (~1 KB each) filled the heap and made every GC pause long.
/// </summary>
public sealed class ReportReplyScoreTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_reports_reply_carries_the_score_an_explained_check_gives_and_the_address_keeps_no_explanation()
    {
        var (service, index) = ReportServiceSetup.NewService(_clock);
        ReportResult last = null!;
        for (var reporter = 1; reporter <= 3; reporter++)
        {
            var batch = await service.SubmitAsync(ReportServiceSetup.Reporter(_clock, reporter),
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
