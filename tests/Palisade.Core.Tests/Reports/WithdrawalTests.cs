using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// A key withdraws its reports of an address (AbuseIPDB clear-address, ReportedIP feedback): the address is reloaded from
/// the store without them. The reload reads every report of the address while every write waits, so a withdrawal of
/// nothing (a key with no report there) reads nothing.
/// </summary>
public sealed class WithdrawalTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    private async Task ReportAsync(ReportService service, long reporter)
    {
        var batch = await service.SubmitAsync(ReportServiceSetup.Reporter(_clock, reporter),
            [new ReportSubmission("45.3.0.1", [CategoryCatalog.BruteForce], "ssh", 22) { ReporterAddress = $"198.51.{reporter}.7" }],
            CancellationToken.None);
        Assert.Equal(ReportOutcomeKind.Accepted, Assert.Single(batch.Results).Outcome);
    }

    [Fact]
    public async Task A_withdrawal_reloads_the_address_without_the_key_s_reports()
    {
        var store = new ListReportStore();
        var (service, index) = ReportServiceSetup.NewService(_clock, store);
        await ReportAsync(service, 1);
        await ReportAsync(service, 2);
        Assert.Equal(2, index.Find("45.3.0.1")!.TotalReports);

        var (deleted, error) = await service.ClearAsync(ReportServiceSetup.Reporter(_clock, 1), "45.3.0.1", "clear", null, CancellationToken.None);
        Assert.Null(error);
        Assert.Equal(1, deleted);
        Assert.Equal(1, index.Find("45.3.0.1")!.TotalReports);
        Assert.Equal(1, store.AddressReads);
    }

    [Fact]
    public async Task A_withdrawal_of_nothing_reads_no_report_back_and_changes_nothing()
    {
        var store = new ListReportStore();
        var (service, index) = ReportServiceSetup.NewService(_clock, store);
        await ReportAsync(service, 1);
        var before = index.Version;

        var (deleted, error) = await service.ClearAsync(ReportServiceSetup.Reporter(_clock, 9), "45.3.0.1", "clear", null, CancellationToken.None);
        Assert.Null(error);
        Assert.Equal(0, deleted);
        Assert.Equal(0, store.AddressReads);
        Assert.Equal(before, index.Version);
        Assert.Equal(1, index.Find("45.3.0.1")!.TotalReports);
    }
}
