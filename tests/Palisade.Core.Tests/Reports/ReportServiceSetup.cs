using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reports;

/// <summary>A report service over a list-backed store and a fresh index, and reporters of the free tier whose keys are
/// 400 days old, for the engine's report tests.</summary>
internal static class ReportServiceSetup
{
    public static (ReportService Service, ReputationIndex Index) NewService(TestClock clock) => NewService(clock, new ListReportStore());

    public static (ReportService Service, ReputationIndex Index) NewService(TestClock clock, ListReportStore store)
    {
        var index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(),
            clock);
        return (new ReportService(store, index, new InMemoryQuotaCounter(), clock, new SingleNodeReportFeed()), index);
    }

    public static AuthenticatedKey Reporter(TestClock clock, long id = 7)
    {
        Assert.True(TierCatalog.Default.TryGet("free", out var tier));
        var key = new ApiKey(id, "reporter-" + id, tier.Id, [], "p", clock.UtcNow.AddDays(-400), null, new Dictionary<QuotaFamily, long>());
        return new AuthenticatedKey(key, tier);
    }
}
