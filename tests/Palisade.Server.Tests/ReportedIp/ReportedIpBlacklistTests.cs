using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.ReportedIp;

public sealed class ReportedIpBlacklistTests : IAsyncLifetime
{
    private readonly MutableClock _clock = new(DateTimeOffset.UtcNow);
    private PalisadeHost _host = null!;
    private HttpClient _sensor = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(clock: _clock);
        _sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        await ReportAsync("45.33.96.1");
        // ReportedIP lists an address only after 48 hours of observation (its false-positive cool-down).
        _clock.Advance(TimeSpan.FromHours(49));
    }

    private async Task ReportAsync(string ip)
        => Assert.Equal(HttpStatusCode.OK, (await _sensor.PostJsonAsync("/v1/key/report",
            new { ip, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" })).StatusCode);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> KeyedAsync(string tier)
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Key", await _host.CreateKeyAsync(tier));
        return client;
    }

    [Fact]
    public async Task Professional_gets_the_list_in_the_envelope_with_reportedip_categories()
    {
        var client = await KeyedAsync("professional");
        var response = await client.GetAsync("/wp-json/reportedip/v2/blacklist");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("meta").GetProperty("success").GetBoolean());
        var entry = json.GetProperty("data")[0];
        Assert.Equal("45.33.96.1", entry.GetProperty("ip").GetString());
        Assert.True(entry.GetProperty("confidence").GetInt32() >= 75);
        Assert.Contains(18, entry.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal("45.33.96.1", (await (await client.GetAsync("/wp-json/reportedip/v2/blacklist?format=txt")).Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/wp-json/reportedip/v2/blacklist?format=xml")).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?format=txt")]
    public async Task An_unchanged_list_revalidates_with_304_without_being_charged(string query)
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Key", await _host.CreateKeyAsync("professional", new Dictionary<Palisade.Core.Keys.QuotaFamily, long>
        {
            [Palisade.Core.Keys.QuotaFamily.Blacklist] = 2,
        }));
        var first = await client.GetAsync("/wp-json/reportedip/v2/blacklist" + query);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/wp-json/reportedip/v2/blacklist" + query);
            request.Headers.IfNoneMatch.Add(etag!);
            var again = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Equal(etag, again.Headers.ETag);
        }

        // One address per full list against a quota of two: the 304s were free, so a second full list still fits.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/wp-json/reportedip/v2/blacklist" + query)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/wp-json/reportedip/v2/blacklist" + query)).StatusCode);
    }

    [Fact]
    public async Task An_address_observed_for_less_than_48_hours_is_not_listed_yet()
    {
        await ReportAsync("45.33.96.2");
        var client = await KeyedAsync("professional");
        var listed = (await (await client.GetAsync("/wp-json/reportedip/v2/blacklist?format=txt")).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["45.33.96.1"], listed);
        _clock.Advance(TimeSpan.FromHours(48));
        listed = (await (await client.GetAsync("/wp-json/reportedip/v2/blacklist?format=txt")).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["45.33.96.1", "45.33.96.2"], listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Free_role_is_403()
    {
        var response = await (await KeyedAsync("free")).GetAsync("/wp-json/reportedip/v2/blacklist");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Your role does not have access to this endpoint.", (await response.JsonAsync()).GetProperty("meta").GetProperty("message").GetString());
    }
}
