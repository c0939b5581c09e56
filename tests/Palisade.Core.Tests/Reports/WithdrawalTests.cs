using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reports;

/// <summary>
/// A key withdraws its reports of an address (AbuseIPDB clear-address, ReportedIP feedback): the address is reloaded from
/// the store without them. The reload reads every report of the address (a hundred thousand on a busy one) without
/// holding other writes, and again if the address changed meanwhile; a withdrawal of nothing (a key with no report
/// there) takes no write and reads nothing.
/// </summary>
public sealed class WithdrawalTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    private async Task ReportAsync(ReportService service, long reporter, string address = "45.3.0.1")
    {
        var batch = await service.SubmitAsync(ReportServiceSetup.Reporter(_clock, reporter),
            [new ReportSubmission(address, [CategoryCatalog.BruteForce], "ssh", 22) { ReporterAddress = $"198.51.{reporter}.7" }],
            CancellationToken.None);
        Assert.Equal(ReportOutcomeKind.Accepted, Assert.Single(batch.Results).Outcome);
    }

    // Keys 1 and 2 have reported 45.3.0.1.
    private async Task<(ListReportStore Store, ReportService Service, Palisade.Core.Reputation.ReputationIndex Index)> TwoReportsAsync()
    {
        var store = new ListReportStore();
        var (service, index) = ReportServiceSetup.NewService(_clock, store);
        await ReportAsync(service, 1);
        await ReportAsync(service, 2);
        return (store, service, index);
    }

    private Task<(int Deleted, string? Error)> WithdrawAsync(ReportService service, long reporter)
        => service.ClearAsync(ReportServiceSetup.Reporter(_clock, reporter), "45.3.0.1", "clear", null, CancellationToken.None);

    [Fact]
    public async Task A_withdrawal_reloads_the_address_without_the_key_s_reports()
    {
        var (store, service, index) = await TwoReportsAsync();
        Assert.Equal(2, index.Find("45.3.0.1")!.TotalReports);

        var (deleted, error) = await WithdrawAsync(service, 1);
        Assert.Null(error);
        Assert.Equal(1, deleted);
        Assert.Equal(1, index.Find("45.3.0.1")!.TotalReports);
        Assert.Equal(1, store.AddressReads);
    }

    [Fact]
    public async Task Reports_are_taken_while_a_withdrawal_reads_the_address_s_remaining_reports()
    {
        var (store, service, index) = await TwoReportsAsync();

        // Before: the withdrawal read the address holding every write, and this report waited for it (here, for ever).
        store.AfterNextAddressRead = () => ReportAsync(service, 3, "45.3.9.9").WaitAsync(TimeSpan.FromSeconds(10));
        var (deleted, _) = await WithdrawAsync(service, 1);
        Assert.Equal(1, deleted);
        Assert.Equal(1, index.Find("45.3.0.1")!.TotalReports);
        Assert.Equal(1, index.Find("45.3.9.9")!.TotalReports);
    }

    [Fact]
    public async Task A_report_of_the_address_taken_while_a_withdrawal_reads_it_is_kept()
    {
        var (store, service, index) = await TwoReportsAsync();

        // Key 3's report lands after the withdrawal read what remains: that read is stale, and the address is read again.
        store.AfterNextAddressRead = () => ReportAsync(service, 3).WaitAsync(TimeSpan.FromSeconds(10));
        var (deleted, _) = await WithdrawAsync(service, 1);
        Assert.Equal(1, deleted);
        Assert.Equal(2, index.Find("45.3.0.1")!.TotalReports); // keys 2 and 3
        Assert.Equal(2, store.AddressReads);
    }

    [Fact]
    public async Task A_withdrawal_of_nothing_takes_no_write_reads_no_report_back_and_changes_nothing()
    {
        var store = new ListReportStore();
        var (service, index) = ReportServiceSetup.NewService(_clock, store);
        await ReportAsync(service, 1);
        var before = index.Version;

        var (deleted, error) = await WithdrawAsync(service, 9);
        Assert.Null(error);
        Assert.Equal(0, deleted);
        Assert.Equal(0, store.AddressReads);
        Assert.Equal(0, store.Clears); // not even the write path's DELETE
        Assert.Equal(before, index.Version);
        Assert.Equal(1, index.Find("45.3.0.1")!.TotalReports);
    }
}
