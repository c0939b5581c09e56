using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Tests.Storage;

/// <summary>
/// The store's bounded reads (on this pass's engine). A cluster node's catch-up: where the first one starts (one below the
/// first id received since a time), and the id and address of the reports after an id plus any ids asked for again, in id
/// order and at most the limit asked. An address's reports: a page of them, newest first, and how many there are; whether
/// a key has one there.
/// </summary>
public sealed class ReportReadTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create();
    private PostgresDatabase? _postgres;
    private IReportStore _store = null!;

    public async Task InitializeAsync()
    {
        if (TestBackend.IsPostgres)
        {
            var database = new PostgresDatabase(new PostgresOptions { ConnectionString = TestBackend.ConnectionStringFor(_data) });
            await database.MigrateAsync(CancellationToken.None);
            _postgres = database;
            _store = new PostgresReportStore(database);
        }
        else
        {
            var database = new SqliteDatabase(new SqliteOptions { DataDirectory = _data });
            await database.MigrateAsync(CancellationToken.None);
            _store = new SqliteReportStore(database);
        }
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        TestBackend.DropDatabase(_data);
        TempDirectory.Delete(_data);
    }

    private async Task<long[]> InsertAsync(DateTimeOffset receivedAt, params string[] addresses)
    {
        var reports = addresses.Select(a => new StoredReport(0, a, 1, ReporterKind.Community, 1.0, [CategoryCatalog.PortScan], null, null, null, null,
            receivedAt, receivedAt, ReportSource.Local, null, null)).ToList();
        return [.. (await _store.InsertAsync(reports, CancellationToken.None)).Select(r => r.Id)];
    }

    [Fact]
    public async Task The_first_catch_up_starts_one_below_the_first_report_received_since_a_time_or_after_the_last_report()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(0, await _store.IdBeforeReceivedAsync(now - TimeSpan.FromMinutes(1), CancellationToken.None));

        var old = await InsertAsync(now - TimeSpan.FromMinutes(5), "45.40.0.1", "45.40.0.2");
        Assert.Equal(old[1], await _store.IdBeforeReceivedAsync(now - TimeSpan.FromMinutes(1), CancellationToken.None));

        var recent = await InsertAsync(now - TimeSpan.FromSeconds(10), "45.40.0.3", "45.40.0.4");
        await InsertAsync(now - TimeSpan.FromMinutes(3), "45.40.0.5");
        var start = await _store.IdBeforeReceivedAsync(now - TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(recent[0] - 1, start);

        // What the catch-up then lists from there: the recent reports, and any stored after them whatever their receipt time.
        var listed = await _store.ListAfterAsync(start, [], 10, CancellationToken.None);
        Assert.Equal(["45.40.0.3", "45.40.0.4", "45.40.0.5"], listed.Select(l => l.Address));
    }

    [Fact]
    public async Task Reports_after_an_id_and_those_asked_for_again_are_listed_in_id_order_up_to_the_limit()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = await InsertAsync(now, "45.41.0.1", "45.41.0.2", "45.41.0.3", "45.41.0.4", "45.41.0.5");

        var listed = await _store.ListAfterAsync(ids[2], [ids[0], ids[1] + 1000], 10, CancellationToken.None);
        Assert.Equal([ids[0], ids[3], ids[4]], listed.Select(l => l.Id));
        Assert.Equal(["45.41.0.1", "45.41.0.4", "45.41.0.5"], listed.Select(l => l.Address));

        var limited = await _store.ListAfterAsync(ids[0], [], 2, CancellationToken.None);
        Assert.Equal([ids[1], ids[2]], limited.Select(l => l.Id));
    }

    [Fact]
    public async Task An_address_s_reports_are_read_a_page_at_a_time_newest_first_and_counted_within_the_window()
    {
        var now = DateTimeOffset.UtcNow;
        await InsertAsync(now - TimeSpan.FromDays(40), "45.42.0.1");
        await InsertAsync(now - TimeSpan.FromMinutes(1), "45.42.0.2");
        var ids = new List<long>();
        for (var minutes = 5; minutes >= 1; minutes--)
        {
            ids.AddRange(await InsertAsync(now - TimeSpan.FromMinutes(minutes), "45.42.0.1"));
        }

        var since = now - TimeSpan.FromDays(30);
        Assert.Equal(5, await _store.CountByAddressAsync("45.42.0.1", since, CancellationToken.None));
        var page = await _store.LoadLatestAsync("45.42.0.1", since, 1, 2, CancellationToken.None);
        Assert.Equal([ids[3], ids[2]], page.Select(r => r.Id));
        Assert.Empty(await _store.LoadLatestAsync("45.42.0.1", since, 5, 2, CancellationToken.None));
        Assert.Equal(6, await _store.CountByAddressAsync("45.42.0.1", now - TimeSpan.FromDays(60), CancellationToken.None));
    }

    [Fact]
    public async Task Whether_a_key_has_a_report_of_an_address_is_read_without_deleting_anything()
    {
        await InsertAsync(DateTimeOffset.UtcNow, "45.43.0.1"); // key 1
        Assert.True(await _store.HasReportByKeyAsync("45.43.0.1", 1, CancellationToken.None));
        Assert.False(await _store.HasReportByKeyAsync("45.43.0.1", 2, CancellationToken.None));
        Assert.False(await _store.HasReportByKeyAsync("45.43.0.2", 1, CancellationToken.None));

        Assert.Equal(1, await _store.ClearAsync(new AddressClearance("45.43.0.1", 1, "clear", null, DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.False(await _store.HasReportByKeyAsync("45.43.0.1", 1, CancellationToken.None));
    }
}
