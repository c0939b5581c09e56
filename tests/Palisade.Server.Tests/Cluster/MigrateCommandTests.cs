using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary><c>palisade migrate</c> from a real single-node installation into a real PostgreSQL.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class MigrateCommandTests : IDisposable
{
    private readonly string _sqlite = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_sqlite);

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Keys_reports_and_counters_move_to_postgres_and_a_second_run_resumes_without_duplicates()
    {
        // A single node with a key, a limited key and some reports.
        var key = (await PalisadeProcess.RunAsync("keys", "create", "--data", _sqlite, "--postgres", "", "--name", "reporter", "--tier", "enterprise")).Stdout.Trim();
        var limited = (await PalisadeProcess.RunAsync("keys", "create", "--data", _sqlite, "--postgres", "", "--name", "limited", "--limit", "check=4")).Stdout.Trim();
        using (var single = await PalisadeProcess.ServeAsync(_sqlite, ["--postgres", ""]))
        {
            using var client = Client(single.BaseAddress, key);
            for (var i = 1; i <= 30; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = $"45.33.80.{i}", category = "brute_force", protocol = "ssh" })).StatusCode);
            }

            using var limitedClient = Client(single.BaseAddress, limited);
            Assert.Equal(HttpStatusCode.OK, (await limitedClient.GetAsync("/v1/key/check/45.33.80.1")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await limitedClient.GetAsync("/v1/key/check/45.33.80.1")).StatusCode);
            await single.StopAsync(); // a planned stop: the quota counters are saved on the way out
        }

        var connection = await ClusterEnvironment.FreshDatabaseAsync();
        var first = await PalisadeProcess.RunAsync("migrate", "--from", "sqlite:" + _sqlite, "--to", "postgres:" + connection);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("30 reports copied", first.Stderr);
        var second = await PalisadeProcess.RunAsync("migrate", "--from", "sqlite:" + _sqlite, "--to", "postgres:" + connection);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("0 more reports copied", second.Stderr);

        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM reports", db);
            Assert.Equal(30L, (long)(await count.ExecuteScalarAsync())!);
        }

        // A node on PostgreSQL serves the migrated data with the same keys and counters.
        var data = TempDirectory.Create();
        try
        {
            using var node = await PalisadeProcess.ServeAsync(data, ClusterEnvironment.NodeArguments(connection, patient: true),
                ClusterEnvironment.NodeEnvironment("migrate:" + Guid.NewGuid().ToString("N")[..8] + ":"));
            using var client = Client(node.BaseAddress, key);
            Assert.True((await (await client.GetAsync("/v1/key/check/45.33.80.17")).JsonAsync()).GetProperty("found").GetBoolean());
            var report = await (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.80.99", category = "ddos" })).JsonAsync();
            Assert.True(report.GetProperty("id").GetInt64() > 30, "new ids continue after the migrated ones");

            using var limitedClient = Client(node.BaseAddress, limited);
            var third = await limitedClient.GetAsync("/v1/key/check/45.33.80.1");
            Assert.Equal("3", third.Headers.GetValues("X-Daily-Used").Single());
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
