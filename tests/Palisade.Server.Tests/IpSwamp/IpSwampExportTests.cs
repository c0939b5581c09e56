using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.IpSwamp;

public sealed class IpSwampExportTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("professional"));
        var sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        Assert.Equal(HttpStatusCode.OK, (await sensor.PostJsonAsync("/v1/key/report",
            new { ip = "45.33.97.1", categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" })).StatusCode);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Export_as_json_and_csv()
    {
        var json = await _client.GetAsync("/api/v1/export");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var first = (await json.JsonAsync())[0];
        Assert.Equal("45.33.97.1", first.GetProperty("ip").GetString());
        Assert.True(first.GetProperty("score").GetInt32() >= 50);
        Assert.Equal("1", json.Header("X-Daily-Used"));
        var csv = (await (await _client.GetAsync("/api/v1/export?format=csv")).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ip,score,threat_level,last_attack,total_hits,country_code", csv[0]);
        Assert.StartsWith("45.33.97.1,", csv[1]);
        var bad = await _client.GetAsync("/api/v1/export?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("error").GetBoolean());
        Assert.Equal("[]", (await (await _client.GetAsync("/api/v1/export?minScore=100")).Content.ReadAsStringAsync()).Trim());
    }
}
