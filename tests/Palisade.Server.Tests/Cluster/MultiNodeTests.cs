using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Diagnostics;
using Npgsql;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary>Two real server processes sharing one PostgreSQL and one Redis.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class MultiNodeTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create();
    private string _connection = null!;
    private PalisadeProcess _nodeA = null!;
    private PalisadeProcess _nodeB = null!;

    public async Task InitializeAsync()
    {
        _connection = await ClusterEnvironment.FreshDatabaseAsync();
        var prefix = "cluster:" + Guid.NewGuid().ToString("N")[..8] + ":";
        _nodeA = await PalisadeProcess.ServeAsync(_data, ClusterEnvironment.NodeArguments(_connection, patient: true), ClusterEnvironment.NodeEnvironment(prefix));
        _nodeB = await PalisadeProcess.ServeAsync(_data, ClusterEnvironment.NodeArguments(_connection, patient: true), ClusterEnvironment.NodeEnvironment(prefix));
    }

    public Task DisposeAsync()
    {
        _nodeA.Dispose();
        _nodeB.Dispose();
        TempDirectory.Delete(_data);
        return Task.CompletedTask;
    }

    private async Task<string> CreateKeyAsync(string tier, params string[] limits)
    {
        var arguments = new List<string> { "keys", "create", "--data", _data, "--postgres", _connection, "--tier", tier, "--name", "k" + Guid.NewGuid().ToString("N")[..8] };
        foreach (var limit in limits)
        {
            arguments.AddRange(["--limit", limit]);
        }

        var (code, stdout, stderr) = await PalisadeProcess.RunAsync([.. arguments]);
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }

    private static HttpClient Client(PalisadeProcess node, string key)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Eight_clients_on_two_nodes_one_quota_every_report_kept()
    {
        const int limit = 300;
        var checker = await CreateKeyAsync("free", $"check={limit}");
        var reporter = await CreateKeyAsync("enterprise");
        var acknowledged = new ConcurrentBag<long>();
        var admitted = 0;
        var refused = 0;
        var failures = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async client =>
        {
            using var onA = Client(_nodeA, checker);
            using var onB = Client(_nodeB, checker);
            using var reportA = Client(_nodeA, reporter);
            using var reportB = Client(_nodeB, reporter);
            for (var i = 0; i < 80; i++)
            {
                var check = await (i % 2 == 0 ? onA : onB).GetAsync($"/v1/key/check/45.33.{40 + client}.{i + 1}");
                switch (check.StatusCode)
                {
                    case HttpStatusCode.OK: Interlocked.Increment(ref admitted); break;
                    case HttpStatusCode.TooManyRequests: Interlocked.Increment(ref refused); break;
                    default: failures.Add($"check {check.StatusCode}"); break;
                }

                var report = await (i % 2 == 0 ? reportB : reportA).PostJsonAsync("/v1/key/report",
                    new { ip = $"45.33.{40 + client}.{i + 1}", category = "brute_force", protocol = "ssh" });
                if (report.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add((await report.JsonAsync()).GetProperty("id").GetInt64());
                }
                else
                {
                    failures.Add($"report {report.StatusCode}");
                }
            }
        }));

        Assert.Empty(failures);
        Assert.Equal(limit, admitted);
        Assert.Equal(8 * 80 - limit, refused);
        Assert.Equal(8 * 80, acknowledged.Count);

        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM reports WHERE id = ANY(@ids)", connection);
        count.Parameters.AddWithValue("ids", acknowledged.ToArray());
        Assert.Equal(8L * 80, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_report_through_node_A_shows_on_node_B_within_seconds()
    {
        var key = await CreateKeyAsync("enterprise");
        using var a = Client(_nodeA, key);
        using var b = Client(_nodeB, key);
        for (var round = 1; round <= 5; round++)
        {
            var ip = $"45.33.60.{round}";
            Assert.Equal(HttpStatusCode.OK, (await a.PostJsonAsync("/v1/key/report", new { ip, category = "port_scan" })).StatusCode);
            var watch = Stopwatch.StartNew();
            var found = false;
            while (!found && watch.Elapsed < TimeSpan.FromSeconds(3)) // typically tens of milliseconds (Redis notification)
            {
                found = (await (await b.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("found").GetBoolean();
                if (!found)
                {
                    await Task.Delay(20);
                }
            }

            Assert.True(found, $"{ip} reported on A was not visible on B after {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task A_report_stored_without_a_notification_reaches_both_nodes_through_the_store_catch_up()
    {
        var key = await CreateKeyAsync("enterprise");
        using var a = Client(_nodeA, key);
        using var b = Client(_nodeB, key);
        const string ip = "45.33.61.1";
        Assert.Equal(HttpStatusCode.OK, (await a.PostJsonAsync("/v1/key/report", new { ip, category = "port_scan" })).StatusCode);
        // Node B answers it twice first: the second answer is the one it keeps for the address. Until the notification
        // arrives B answers "not found", which carries no "reports" member at all.
        var seen = Stopwatch.StartNew();
        while (!((await (await b.GetAsync("/v1/key/check/" + ip)).JsonAsync()).TryGetProperty("reports", out var shown) && shown.GetArrayLength() == 1))
        {
            Assert.True(seen.Elapsed < TimeSpan.FromSeconds(30), "the first report did not reach node B");
            await Task.Delay(20);
        }

        Assert.Equal(1, (await (await b.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("reports").GetArrayLength());

        // A report written to the store by a node whose notification was lost (Redis away): only the catch-up brings it.
        var database = new Palisade.Storage.Postgres.PostgresDatabase(new Palisade.Storage.Postgres.PostgresOptions { ConnectionString = _connection });
        await using (database)
        {
            var now = DateTimeOffset.UtcNow;
            await new Palisade.Storage.Postgres.PostgresReportStore(database).InsertAsync([new Palisade.Core.Reports.StoredReport(0, ip, 1,
                Palisade.Core.Scoring.ReporterKind.Community, 1.0, [Palisade.Core.Categories.CategoryCatalog.BruteForce], "ssh", 22, null,
                "stored elsewhere", now, now, Palisade.Core.Scoring.ReportSource.Local, null, null)], CancellationToken.None);
        }

        foreach (var node in new[] { a, b })
        {
            var watch = Stopwatch.StartNew();
            JsonElement answer;
            // The categories come from the node's index (the reports shown are read from the store for a new answer).
            while (!(answer = await (await node.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("categories").EnumerateArray()
                .Any(c => c.GetProperty("name").GetString() == "brute_force"))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the stored report did not reach {node.BaseAddress} in {watch.ElapsedMilliseconds} ms");
                await Task.Delay(100);
            }

            Assert.Equal(2, answer.GetProperty("reports").GetArrayLength());
            Assert.Equal("stored elsewhere", answer.GetProperty("reports")[0].GetProperty("comment").GetString());
        }
    }

    [Fact]
    public async Task An_email_reported_through_node_A_is_answered_by_node_B()
    {
        var key = await CreateKeyAsync("enterprise");
        using var a = Client(_nodeA, key);
        using var b = Client(_nodeB, key);
        Assert.Equal(HttpStatusCode.OK, (await a.PostJsonAsync("/v1/key/report", new { ip = "45.33.61.1", category = "spam", email = "Node@Example.org" })).StatusCode);
        var watch = Stopwatch.StartNew();
        HttpResponseMessage answer;
        while ((answer = await b.GetAsync("/v1/key/email/node@example.org")).StatusCode == HttpStatusCode.NotFound && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(1, (await answer.JsonAsync()).GetProperty("totalMessages").GetInt64());
    }

    [Fact]
    public async Task Both_nodes_serve_one_taxii_feed_without_duplicate_versions()
    {
        var key = await CreateKeyAsync("enterprise");
        using var a = Client(_nodeA, key);
        using var b = Client(_nodeB, key);
        var addresses = Enumerable.Range(1, 20).Select(i => $"45.33.61.{i}").ToList();
        for (var i = 0; i < addresses.Count; i++)
        {
            var response = await (i % 2 == 0 ? a : b).PostJsonAsync("/v1/key/report", new { ip = addresses[i], category = "brute_force", protocol = "ssh" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        const string Path = "/taxii2/collections/sikker-threat-intel/objects/?limit=1000&match[type]=indicator&match[version]=all";
        async Task<List<(string Id, string Modified, string Pattern)>> VersionsAsync(HttpClient client)
        {
            var json = await (await client.GetAsync(Path)).JsonAsync();
            return json.TryGetProperty("objects", out var objects)
                ? [.. objects.EnumerateArray().Select(o => (o.GetProperty("id").GetString()!, o.GetProperty("modified").GetString()!, o.GetProperty("pattern").GetString()!))]
                : [];
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<(string Id, string Modified, string Pattern)> fromA, fromB;
        do
        {
            await Task.Delay(250);
            fromA = await VersionsAsync(a);
            fromB = await VersionsAsync(b);
        }
        while ((fromA.Count < addresses.Count || fromB.Count < addresses.Count) && DateTime.UtcNow < deadline);

        Assert.All(addresses, ip => Assert.Contains(fromA, v => v.Pattern.Contains($"'{ip}'", StringComparison.Ordinal)));
        Assert.Equal(fromA.Count, fromA.Distinct().Count());
        Assert.Equal(fromA.Select(v => v.Id).Distinct().Count(), addresses.Count);
        Assert.Equal(fromA, fromB);
    }

    [Fact]
    public async Task A_key_revoked_with_the_cli_is_refused_by_both_nodes()
    {
        var key = await CreateKeyAsync("free");
        using var a = Client(_nodeA, key);
        using var b = Client(_nodeB, key);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/key/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/v1/key/status")).StatusCode);
        var (code, _, stderr) = await PalisadeProcess.RunAsync("keys", "revoke", key, "--data", _data, "--postgres", _connection);
        Assert.True(code == 0, stderr);
        var deadline = DateTime.UtcNow.AddSeconds(30); // each node polls for CLI changes every second
        HttpStatusCode sa, sb;
        do
        {
            await Task.Delay(100);
            sa = (await a.GetAsync("/v1/key/status")).StatusCode;
            sb = (await b.GetAsync("/v1/key/status")).StatusCode;
        }
        while ((sa != HttpStatusCode.Forbidden || sb != HttpStatusCode.Forbidden) && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Forbidden, sa);
        Assert.Equal(HttpStatusCode.Forbidden, sb);
    }
}
