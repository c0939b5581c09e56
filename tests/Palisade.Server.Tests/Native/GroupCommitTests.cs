using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

/// <summary>
/// Concurrent single reports share one store transaction (group commit). The tests hold the reports table's write
/// lock from a second connection, so the first transaction waits and every report sent meanwhile queues behind it;
/// once the lock goes, the queue commits as one group.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private const int Reporters = 16;
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise", new Dictionary<QuotaFamily, long> { [QuotaFamily.Report] = 1000 }));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Concurrent_reports_are_committed_together_and_each_200_is_stored_and_applied()
    {
        await ReportAsync("45.40.0.1");
        var commitsBefore = await MetricAsync("palisade_report_commits_total");

        List<Task<HttpResponseMessage>> reports;
        await using (var blocker = await WriteLockAsync())
        {
            reports = [.. Enumerable.Range(2, Reporters).Select(i => _client.PostJsonAsync("/v1/key/report",
                new { ip = $"45.40.0.{i}", category = "brute_force", protocol = "ssh" }))];
            await WaitForPendingAsync(Reporters);
        }

        foreach (var response in await Task.WhenAll(reports))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("accepted", (await response.JsonAsync()).GetProperty("status").GetString());
        }

        // 16 reports, at most two transactions: the one that waited for the lock and the queue behind it.
        var commits = await MetricAsync("palisade_report_commits_total") - commitsBefore;
        Assert.InRange(commits, 1, 2);
        for (var i = 2; i < 2 + Reporters; i++)
        {
            Assert.True((await (await _client.GetAsync($"/v1/key/check/45.40.0.{i}")).JsonAsync()).GetProperty("found").GetBoolean());
        }

        // Durable, not only indexed: a restart on the same data finds every one of them.
        _host.KeepData();
        var data = _host.DataDirectory;
        await _host.StopAsync();
        _host = await PalisadeHost.StartAsync(data);
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
        for (var i = 2; i < 2 + Reporters; i++)
        {
            Assert.True((await (await _client.GetAsync($"/v1/key/check/45.40.0.{i}")).JsonAsync()).GetProperty("found").GetBoolean());
        }
    }

    [Fact]
    public async Task A_failed_commit_answers_503_to_every_report_of_the_group_and_applies_none()
    {
        await ReportAsync("45.41.0.1");
        var commitsBefore = await MetricAsync("palisade_report_commits_total");
        await FailInsertsAsync(true);

        List<Task<HttpResponseMessage>> reports;
        await using (var blocker = await WriteLockAsync())
        {
            reports = [.. Enumerable.Range(2, Reporters).Select(i => _client.PostJsonAsync("/v1/key/report",
                new { ip = $"45.41.0.{i}", category = "port_scan" }))];
            await WaitForPendingAsync(Reporters);
        }

        foreach (var response in await Task.WhenAll(reports))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("database", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(commitsBefore, await MetricAsync("palisade_report_commits_total"));
        for (var i = 2; i < 2 + Reporters; i++)
        {
            Assert.False((await (await _client.GetAsync($"/v1/key/check/45.41.0.{i}")).JsonAsync()).GetProperty("found").GetBoolean());
        }

        // The failed reports were not charged (only the first one is counted), and the service takes reports again.
        await FailInsertsAsync(false);
        var retry = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.41.0.2", category = "port_scan" });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("2", retry.Header("X-Daily-Used"));
        Assert.True((await (await _client.GetAsync("/v1/key/check/45.41.0.2")).JsonAsync()).GetProperty("found").GetBoolean());
    }

    private async Task ReportAsync(string ip)
    {
        var response = await _client.PostJsonAsync("/v1/key/report", new { ip, category = "brute_force" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<double> MetricAsync(string name)
    {
        var text = await _host.Client.GetStringAsync("/metrics");
        var match = Regex.Match(text, "^" + Regex.Escape(name) + @" (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} is not in /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private async Task WaitForPendingAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await MetricAsync("palisade_report_pending") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} reports reached the report service");
            await Task.Delay(20);
        }
    }

    // A second connection that holds the write lock on the reports table until disposed.
    private async Task<IAsyncDisposable> WriteLockAsync()
    {
        var connection = await OpenAsync();
        await ExecuteAsync(connection, TestBackend.IsPostgres
            ? "BEGIN; LOCK TABLE reports IN SHARE ROW EXCLUSIVE MODE;"
            : "BEGIN IMMEDIATE;");
        return new Release(async () =>
        {
            await ExecuteAsync(connection, "ROLLBACK;");
            await connection.DisposeAsync();
        });
    }

    // Every insert into reports fails while the trigger exists, as a full disk or a broken database would.
    private async Task FailInsertsAsync(bool fail)
    {
        await using var connection = await OpenAsync();
        var sql = (TestBackend.IsPostgres, fail) switch
        {
            (true, true) => """
                CREATE FUNCTION refuse_reports() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no space left (test)'; END $$;
                CREATE TRIGGER refuse_reports BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION refuse_reports();
                """,
            (true, false) => "DROP TRIGGER refuse_reports ON reports; DROP FUNCTION refuse_reports();",
            (false, true) => "CREATE TRIGGER refuse_reports BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'no space left (test)'); END;",
            (false, false) => "DROP TRIGGER refuse_reports;",
        };
        await ExecuteAsync(connection, sql);
    }

    private Task<DbConnection> OpenAsync() => TestBackend.OpenDatabaseAsync(_host.DataDirectory);

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
