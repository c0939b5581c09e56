using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class BlacklistEndpointTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task ReportAsync(string ip, string category = "brute_force", string protocol = "ssh", int reporters = 1)
    {
        for (var i = 0; i < reporters; i++)
        {
            using var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("free"));
            var response = await reporter.PostJsonAsync("/v1/key/report", new { ip, category, protocol });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Json_is_shaped_as_sikkers_client_decodes_it_and_sorted_by_score()
    {
        await ReportAsync("45.33.32.1", reporters: 1);
        await ReportAsync("45.33.32.2", reporters: 4);

        var response = await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var json = await response.JsonAsync();
        var meta = json.GetProperty("meta");
        Assert.Equal(JsonValueKind.Number, meta.GetProperty("generatedAt").ValueKind);
        Assert.True(meta.GetProperty("generatedAt").GetInt64() > 1_700_000_000_000);
        Assert.Equal(0, meta.GetProperty("scoreMinimum").GetInt32());
        Assert.Equal(2, meta.GetProperty("count").GetInt32());
        var data = json.GetProperty("data");
        Assert.Equal("45.33.32.2", data[0].GetProperty("ip").GetString());
        Assert.True(data[0].GetProperty("confidenceLevel").GetInt32() > data[1].GetProperty("confidenceLevel").GetInt32());
        var first = data[0];
        Assert.Equal(JsonValueKind.Number, first.GetProperty("lastSeen").ValueKind);
        Assert.Equal(4, first.GetProperty("sessions").GetInt32());
        Assert.Equal("ssh", first.GetProperty("protocols")[0].GetString());
        Assert.False(first.TryGetProperty("asn", out _)); // no geo data installed in this host: left out, read as empty
        Assert.Equal(first.GetProperty("lastSeen").GetInt64() + (30L * 86_400_000), first.GetProperty("expiresAt").GetInt64());

        var check = await (await _client.GetAsync("/v1/key/check/45.33.32.2")).JsonAsync();
        Assert.Equal(check.GetProperty("confidenceLevel").GetInt32(), first.GetProperty("confidenceLevel").GetInt32());
    }

    [Fact]
    public async Task Default_score_minimum_is_50()
    {
        await ReportAsync("45.33.33.1");
        var json = await (await _client.GetAsync("/v1/key/blacklist")).JsonAsync();
        Assert.Equal(50, json.GetProperty("meta").GetProperty("scoreMinimum").GetInt32());
        Assert.All(json.GetProperty("data").EnumerateArray(), e => Assert.True(e.GetProperty("confidenceLevel").GetInt32() >= 50));
    }

    [Fact]
    public async Task Plaintext_is_chosen_by_the_query_not_by_accept()
    {
        await ReportAsync("45.33.34.1");
        await ReportAsync("2600:3c00::1");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/blacklist?scoreMinimum=0&plaintext=true");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await _client.SendAsync(request);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(["2600:3c00::1", "45.33.34.1"], body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        var v4 = await (await _client.GetAsync("/v1/key/blacklist?format=plaintext&ipVersion=4&scoreMinimum=0")).Content.ReadAsStringAsync();
        Assert.Equal("45.33.34.1\n", v4);
    }

    [Fact]
    public async Task Parameters_are_parsed_by_name_in_any_order_with_raw_commas()
    {
        await ReportAsync("45.33.35.1", protocol: "ssh");
        await ReportAsync("45.33.35.2", protocol: "http", category: "web_exploit");
        await ReportAsync("45.33.35.3", protocol: "smtp", category: "spam");
        var a = await (await _client.GetAsync("/v1/key/blacklist?protocols=ssh,http&scoreMinimum=0&plaintext=true")).Content.ReadAsStringAsync();
        var b = await (await _client.GetAsync("/v1/key/blacklist?plaintext=true&scoreMinimum=0&protocols=ssh,http")).Content.ReadAsStringAsync();
        Assert.Equal(a, b);
        Assert.Equal(["45.33.35.1", "45.33.35.2"], a.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var spam = await (await _client.GetAsync("/v1/key/blacklist?categories=spam&scoreMinimum=0&format=csv")).Content.ReadAsStringAsync();
        Assert.Single(spam.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.Contains("45.33.35.3,", spam, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scoreMinimum=abc", "scoreMinimum")]
    [InlineData("ipVersion=5", "ipVersion")]
    [InlineData("limit=-1", "limit")]
    [InlineData("onlyCountries=US,ZZ", "ZZ")]
    [InlineData("exceptAsn=ASX", "exceptAsn")]
    [InlineData("minSeverity=extreme", "minSeverity")]
    [InlineData("maxAgeInDays=0", "maxAgeInDays")]
    [InlineData("format=xml", "format")]
    [InlineData("since=yesterday", "since")]
    [InlineData("plaintext=true&format=csv", "plaintext")]
    public async Task Bad_parameters_are_400_with_a_message_and_cost_nothing(string query, string named)
    {
        await ReportAsync("45.33.36.1");
        var response = await _client.GetAsync("/v1/key/blacklist?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString();
        Assert.Contains(named, error, StringComparison.Ordinal);
        var status = await (await _client.GetAsync("/v1/key/status")).JsonAsync();
        Assert.Equal(0, status.GetProperty("quotas").GetProperty("blacklist").GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task A_list_longer_than_the_remaining_quota_is_cut_and_says_so()
    {
        foreach (var ip in new[] { "45.33.37.1", "45.33.37.2", "45.33.37.3" })
        {
            await ReportAsync(ip);
        }

        using var small = _host.ClientWithKey(await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Blacklist] = 2 }));
        var response = await small.GetAsync("/v1/key/blacklist?scoreMinimum=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Header("X-Blacklist-Truncated"));
        Assert.Equal("3", response.Header("X-Blacklist-Total"));
        Assert.Equal("0", response.Header("X-Blacklist-Remaining"));
        var meta = (await response.JsonAsync()).GetProperty("meta");
        Assert.True(meta.GetProperty("truncated").GetBoolean());
        Assert.Equal(2, meta.GetProperty("count").GetInt32());
        Assert.Equal(3, meta.GetProperty("total").GetInt32());

        var exhausted = await small.GetAsync("/v1/key/blacklist?scoreMinimum=0");
        Assert.Equal(HttpStatusCode.TooManyRequests, exhausted.StatusCode);
        Assert.True(int.Parse(exhausted.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task If_none_match_with_the_etag_is_304_and_free()
    {
        await ReportAsync("45.33.38.1");
        var first = await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0&format=nginx");
        var etag = first.Headers.ETag!;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/blacklist?scoreMinimum=0&format=nginx");
        request.Headers.IfNoneMatch.Add(etag);
        var again = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        var status = await (await _client.GetAsync("/v1/key/status")).JsonAsync();
        Assert.Equal(1, status.GetProperty("quotas").GetProperty("blacklist").GetProperty("used").GetInt64());

        await ReportAsync("45.33.38.2");
        var changed = new HttpRequestMessage(HttpMethod.Get, "/v1/key/blacklist?scoreMinimum=0&format=nginx");
        changed.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(changed)).StatusCode);
    }

    [Fact]
    public async Task Since_a_cursor_returns_added_and_removed_and_a_next_cursor()
    {
        await ReportAsync("45.33.39.1");
        var cursor = (await (await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0")).JsonAsync()).GetProperty("meta").GetProperty("cursor").GetString();

        await ReportAsync("45.33.39.2");
        var changes = await (await _client.GetAsync($"/v1/key/blacklist?scoreMinimum=0&since={cursor}")).JsonAsync();
        Assert.Equal(["45.33.39.2"], changes.GetProperty("added").EnumerateArray().Select(e => e.GetProperty("ip").GetString()));
        Assert.Empty(changes.GetProperty("removed").EnumerateArray());
        Assert.False(changes.GetProperty("meta").GetProperty("reset").GetBoolean());
        var next = changes.GetProperty("meta").GetProperty("cursor").GetString();
        Assert.NotEqual(cursor, next);

        var nothing = await (await _client.GetAsync($"/v1/key/blacklist?scoreMinimum=0&since={next}")).JsonAsync();
        Assert.Empty(nothing.GetProperty("added").EnumerateArray());
    }

    [Fact]
    public async Task Every_format_is_served_with_its_media_type()
    {
        await ReportAsync("45.33.40.1");
        foreach (var (format, media, marker) in new[]
                 {
                     ("csv", "text/csv", "ip,confidenceLevel"), ("ipset", "text/plain", "create palisade-v4"),
                     ("iptables", "text/plain", "#!/bin/sh"), ("nftables", "text/plain", "table inet palisade"),
                     ("nginx", "text/plain", "deny 45.33.40.1;"), ("nginx-geo", "text/plain", "geo $palisade_blocked"),
                     ("csf", "text/plain", "# Palisade blocklist"),
                 })
        {
            var response = await _client.GetAsync($"/v1/key/blacklist?scoreMinimum=0&format={format}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(media, response.Content.Headers.ContentType!.MediaType);
            Assert.Contains(marker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_key_in_the_query_works_for_tools_that_cannot_send_headers()
    {
        var key = await _host.CreateKeyAsync("enterprise");
        var response = await _host.Client.GetAsync($"/v1/key/blacklist?format=csf&key={key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Client.GetAsync("/v1/key/blacklist?format=csf")).StatusCode);
    }
}
