using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary>The real PostgreSQL and Redis servers stopped and started under a running node.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FaultTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create();
    private string _connection = null!;
    private PalisadeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _connection = await ClusterEnvironment.FreshDatabaseAsync();
        _node = await PalisadeProcess.ServeAsync(_data, ClusterEnvironment.NodeArguments(_connection),
            ClusterEnvironment.NodeEnvironment("fault:" + Guid.NewGuid().ToString("N")[..8] + ":"));
    }

    public async Task DisposeAsync()
    {
        // Whatever happened, leave the servers running for the tests after us.
        await ClusterEnvironment.StartPostgresAsync();
        await ClusterEnvironment.StartRedisAsync();
        _node.Dispose();
        TempDirectory.Delete(_data);
    }

    private async Task<HttpClient> ClientAsync(string tier, params string[] limits)
    {
        var arguments = new List<string> { "keys", "create", "--data", _data, "--postgres", _connection, "--tier", tier, "--name", "k" + Guid.NewGuid().ToString("N")[..8] };
        foreach (var limit in limits)
        {
            arguments.AddRange(["--limit", limit]);
        }

        var (code, stdout, stderr) = await PalisadeProcess.RunAsync([.. arguments]);
        Assert.True(code == 0, stderr);
        var client = new HttpClient { BaseAddress = _node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.Trim());
        return client;
    }

    [Fact]
    public async Task PostgreSQL_stopped_gives_quick_503s_and_service_resumes_by_itself()
    {
        using var client = await ClientAsync("enterprise");
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.70.1", category = "ddos" })).StatusCode);

        await ClusterEnvironment.StopPostgresAsync();
        var watch = Stopwatch.StartNew();
        var refused = await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.70.2", category = "ddos" });
        watch.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).GetProperty("error").GetString()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"503 took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        // Reads are served from memory and keep working.
        Assert.True((await (await client.GetAsync("/v1/key/check/45.33.70.1")).JsonAsync()).GetProperty("found").GetBoolean());

        await ClusterEnvironment.StartPostgresAsync();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 100 && status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(200);
            status = (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.70.3", category = "ddos" })).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((await (await client.GetAsync("/v1/key/check/45.33.70.2")).JsonAsync()).GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Redis_stopped_fails_closed_and_a_restart_does_not_hand_out_a_fresh_quota()
    {
        using var client = await ClientAsync("free", "check=5");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.71.1")).StatusCode);
        }

        await Task.Delay(1500); // one flush interval: the node has written its counters to PostgreSQL
        await ClusterEnvironment.StopRedisAsync();
        var watch = Stopwatch.StartNew();
        var refused = await client.GetAsync("/v1/key/check/45.33.71.1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("quota", (await refused.JsonAsync()).GetProperty("error").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"503 took {watch.ElapsedMilliseconds} ms");

        // Redis comes back empty (no persistence in the test server): the counter is seeded from what was counted.
        await ClusterEnvironment.StartRedisAsync();
        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !statuses.Contains(HttpStatusCode.TooManyRequests))
        {
            var status = (await client.GetAsync("/v1/key/check/45.33.71.1")).StatusCode;
            if (status != HttpStatusCode.ServiceUnavailable)
            {
                statuses.Add(status);
            }
            else
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
