using System.Net;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

public sealed class AbuseIpdbBlacklistTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
        var sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        foreach (var ip in new[] { "45.33.95.1", "45.33.95.2" })
        {
            Assert.Equal(HttpStatusCode.OK, (await sensor.PostJsonAsync("/v1/key/report",
                new { ip, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" })).StatusCode);
        }

        var reporter = _host.ClientWithKey(await _host.CreateKeyAsync());
        Assert.Equal(HttpStatusCode.OK, (await reporter.PostJsonAsync("/v1/key/report", new { ip = "45.33.95.3", category = "port_scan" })).StatusCode);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Json_blacklist_lists_addresses_at_or_above_the_minimum()
    {
        var response = await _client.GetAsync("/api/v2/blacklist?confidenceMinimum=50");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("meta").GetProperty("generatedAt").GetString(), out _));
        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["45.33.95.1", "45.33.95.2"], data.Select(d => d.GetProperty("ipAddress").GetString()).Order());
        Assert.All(data, d => Assert.True(d.GetProperty("abuseConfidenceScore").GetInt32() >= 50));
        Assert.All(data, d => Assert.EndsWith("+00:00", d.GetProperty("lastReportedAt").GetString()));
        Assert.Equal("2", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Plaintext_limit_and_ip_version()
    {
        var plain = await _client.GetAsync("/api/v2/blacklist?confidenceMinimum=50&plaintext&limit=1");
        Assert.StartsWith("text/plain", plain.Content.Headers.ContentType!.ToString());
        var lines = (await plain.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("45.33.95.", lines[0]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/blacklist?confidenceMinimum=50&ipVersion=6");
        request.Headers.Add("Accept", "text/plain");
        Assert.Equal("", (await (await _client.SendAsync(request)).Content.ReadAsStringAsync()).Trim());
    }

    [Theory]
    [InlineData("confidenceMinimum=10", "confidenceMinimum")]
    [InlineData("confidenceMinimum=abc", "confidenceMinimum")]
    [InlineData("limit=-1", "limit")]
    [InlineData("ipVersion=5", "ipVersion")]
    [InlineData("onlyCountries=XYZ", "onlyCountries")]
    public async Task Bad_parameters_are_422(string query, string parameter)
    {
        var response = await _client.GetAsync("/api/v2/blacklist?" + query);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(parameter, (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("source").GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Blacklist_is_cut_to_the_remaining_quota_then_429()
    {
        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional", new Dictionary<QuotaFamily, long> { [QuotaFamily.Blacklist] = 1 }));
        var cut = await client.GetAsync("/api/v2/blacklist?confidenceMinimum=50");
        Assert.Equal(1, (await cut.JsonAsync()).GetProperty("data").GetArrayLength());
        var refused = await client.GetAsync("/api/v2/blacklist?confidenceMinimum=50");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(long.Parse(refused.Header("Retry-After")) >= 1);
    }
}
