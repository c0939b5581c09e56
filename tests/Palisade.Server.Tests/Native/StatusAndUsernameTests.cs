using System.Net;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class StatusAndUsernameTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Report] = 50 }));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Status_reports_tier_and_every_family_quota()
    {
        await _client.GetAsync("/v1/key/check/45.33.32.156");
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.20", category = "ddos" });
        var response = await _client.GetAsync("/v1/key/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("free", json.GetProperty("tier").GetProperty("id").GetString());
        Assert.Equal("Free", json.GetProperty("tier").GetProperty("name").GetString());
        var quotas = json.GetProperty("quotas");
        Assert.Equal(1, quotas.GetProperty("lookups").GetProperty("used").GetInt64());
        Assert.Equal(1000, quotas.GetProperty("lookups").GetProperty("limit").GetInt64());
        Assert.Equal(999, quotas.GetProperty("lookups").GetProperty("remaining").GetInt64());
        Assert.Equal(50, quotas.GetProperty("reports").GetProperty("limit").GetInt64());
        Assert.Equal(49, quotas.GetProperty("reports").GetProperty("remaining").GetInt64());
        Assert.Equal(5000, quotas.GetProperty("blacklist").GetProperty("limit").GetInt64());
        Assert.Equal(1000, quotas.GetProperty("taxii").GetProperty("limit").GetInt64());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("alerts").GetProperty("ipAlerts").GetProperty("current").ValueKind);
    }

    [Fact]
    public async Task Unknown_username_is_404()
    {
        var response = await _client.GetAsync("/v1/key/username/nobody-uses-this");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Username_seen_in_reports_has_counts_as_sikkerapi_sends_them()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.21", category = "brute_force", protocol = "ssh", username = "oracle" });
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.22", category = "brute_force", protocol = "ftp", username = "oracle" });
        var json = await (await _client.GetAsync("/v1/key/username/oracle")).JsonAsync();
        Assert.Equal("oracle", json.GetProperty("username").GetString());
        Assert.Equal(2, json.GetProperty("totalSessions").GetInt64());
        var counts = JsonDocument.Parse(json.GetProperty("protocolCounts").GetString()!).RootElement;
        Assert.Equal(1, counts.GetProperty("ssh").GetInt64());
        Assert.Equal(1, counts.GetProperty("ftp").GetInt64());
        Assert.True(json.GetProperty("firstSeenAt").GetInt64() > 1_700_000_000_000);
    }
}
