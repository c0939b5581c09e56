using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class CheckEndpointTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Unknown_public_address_is_200_not_found_with_zero_confidence()
    {
        var response = await _client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("45.33.32.156", json.GetProperty("ip").GetString());
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("confidenceLevel").ValueKind);
        Assert.Equal(0, json.GetProperty("confidenceLevel").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("geolocation").ValueKind);
        Assert.True(json.GetProperty("isPublic").GetBoolean());
    }

    [Theory]
    [InlineData("/v1/key/check/45.33.32.158", "45.33.32.158", true)]
    [InlineData("/v1/key/check/45.33.32.158?verbose=false", "45.33.32.158", true)]
    [InlineData("/v1/key/check/2a00:1450:4001:82c:0:0:0:1", "2a00:1450:4001:82c::1", true)]
    [InlineData("/v1/key/check/10.1.2.3", "10.1.2.3", false)]
    public async Task The_answer_for_an_unknown_address_is_exactly_the_blank_document(string path, string ip, bool isPublic)
    {
        // Written from a template around the address rather than serialized per request: these are its exact bytes.
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var expected = $"{{\"ip\":\"{ip}\",\"found\":false,\"isPublic\":{(isPublic ? "true" : "false")},\"confidenceLevel\":0,\"geolocation\":null," +
            "\"firstSeen\":null,\"lastSeen\":null,\"totalSessions\":0,\"totalEvents\":0,\"protocols\":[],\"behaviors\":[],\"primitives\":[]}";
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.Length, response.Content.Headers.ContentLength);
        Assert.Equal("1", response.Headers.GetValues("X-Daily-Used").Single());
    }

    [Fact]
    public async Task An_ipv6_check_carries_the_roll_up_of_its_64()
    {
        foreach (var ip in new[] { "2a00:1450:4001:81c::a", "2a00:1450:4001:81c::b" })
        {
            Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync("/v1/key/report", new { ip, category = "brute_force", protocol = "ssh" })).StatusCode);
        }

        // A neighbour never reported itself: nothing of its own, but its /64 is known.
        var json = await (await _client.GetAsync("/v1/key/check/2a00:1450:4001:81c::c")).JsonAsync();
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.Equal(0, json.GetProperty("confidenceLevel").GetInt32());
        var prefix = json.GetProperty("prefix64");
        Assert.Equal("2a00:1450:4001:81c::/64", prefix.GetProperty("prefix").GetString());
        Assert.Equal(2, prefix.GetProperty("addresses").GetInt32());
        Assert.Equal(2, prefix.GetProperty("reports").GetInt64());
        Assert.True(prefix.GetProperty("confidenceLevel").GetInt32() > 0);

        // Repeated checks see a third report in the /64 (the answer is not cached across it).
        Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync("/v1/key/report", new { ip = "2a00:1450:4001:81c::d", category = "port_scan", protocol = "tcp" })).StatusCode);
        json = await (await _client.GetAsync("/v1/key/check/2a00:1450:4001:81c::a?verbose=true")).JsonAsync();
        Assert.Equal(3, json.GetProperty("prefix64").GetProperty("addresses").GetInt32());
        Assert.False((await (await _client.GetAsync("/v1/key/check/45.33.32.157")).JsonAsync()).TryGetProperty("prefix64", out _));
    }

    [Fact]
    public async Task Reported_address_is_found_with_a_score_and_cli_field_types()
    {
        var report = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.156", category = "brute_force", protocol = "ssh", comment = "failed logins", port = 22, username = "root" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        var json = await (await _client.GetAsync("/v1/key/check/45.33.32.156")).JsonAsync();
        Assert.True(json.GetProperty("found").GetBoolean());
        Assert.True(json.GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("firstSeen").GetString(), out _));
        Assert.EndsWith("Z", json.GetProperty("lastSeen").GetString());
        Assert.Equal(1, json.GetProperty("totalSessions").GetInt64());
        var protocol = json.GetProperty("protocols")[0];
        Assert.Equal("ssh", protocol.GetProperty("protocol").GetString());
        var behaviour = json.GetProperty("behaviors")[0];
        Assert.Equal("ssh:brute_force", behaviour.GetProperty("name").GetString());
        Assert.Equal("high", behaviour.GetProperty("severity").GetString());
        Assert.Contains(json.GetProperty("primitives").EnumerateArray(), p => p.GetProperty("name").GetString() == "username:root");
        Assert.Equal("brute_force", json.GetProperty("categories")[0].GetProperty("name").GetString());
        Assert.Equal("failed logins", json.GetProperty("reports")[0].GetProperty("comment").GetString());
        Assert.Equal(1, json.GetProperty("timeline")[0].GetProperty("count").GetInt64());
        Assert.Equal(json.GetProperty("confidenceLevel").GetInt32(), json.GetProperty("scoreBreakdown").GetProperty("score").GetInt32());
        Assert.NotEmpty(json.GetProperty("scoreBreakdown").GetProperty("components").EnumerateArray());
    }

    [Fact]
    public async Task Verbose_false_leaves_out_the_verbose_parts_and_exclude_removes_named_fields()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.157", category = 2 });
        var terse = await (await _client.GetAsync("/v1/key/check/45.33.32.157?verbose=false")).JsonAsync();
        Assert.False(terse.TryGetProperty("scoreBreakdown", out _));
        Assert.False(terse.TryGetProperty("reports", out _));
        Assert.True(terse.TryGetProperty("behaviors", out _));

        var excluded = await (await _client.GetAsync("/v1/key/check/45.33.32.157?exclude=behaviors,primitives")).JsonAsync();
        Assert.False(excluded.TryGetProperty("behaviors", out _));
        Assert.False(excluded.TryGetProperty("primitives", out _));
        Assert.True(excluded.TryGetProperty("scoreBreakdown", out _));
    }

    [Fact]
    public async Task Protocol_and_max_age_filters_narrow_the_evidence()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.158", category = "web_exploit", protocol = "http" });
        var ssh = await (await _client.GetAsync("/v1/key/check/45.33.32.158?protocols=ssh,ftp")).JsonAsync();
        Assert.False(ssh.GetProperty("found").GetBoolean());
        var http = await (await _client.GetAsync("/v1/key/check/45.33.32.158?protocols=ssh,http&maxAge=3600")).JsonAsync();
        Assert.True(http.GetProperty("found").GetBoolean());
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("224.0.0.1")]
    [InlineData("2001:db8::1")]
    public async Task Non_public_addresses_are_answered_without_a_score(string ip)
    {
        var response = await _client.GetAsync("/v1/key/check/" + Uri.EscapeDataString(ip));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("isPublic").GetBoolean());
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.Equal(0, json.GetProperty("confidenceLevel").GetInt32());
    }

    [Fact]
    public async Task Ipv4_mapped_ipv6_is_folded_to_ipv4()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "::ffff:45.33.32.159", category = "port_scan" });
        var json = await (await _client.GetAsync("/v1/key/check/45.33.32.159")).JsonAsync();
        Assert.True(json.GetProperty("found").GetBoolean());
        Assert.Equal("45.33.32.159", json.GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Ipv6_forms_are_one_address()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "2a01:4f8:0:0:0:0:0:1", category = "port_scan" });
        var json = await (await _client.GetAsync("/v1/key/check/2A01:4F8::1")).JsonAsync();
        Assert.True(json.GetProperty("found").GetBoolean());
        Assert.Equal("2a01:4f8::1", json.GetProperty("ip").GetString());
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("256.1.1.1")]
    [InlineData("fe80::1%25eth0")]
    [InlineData("1.2.3.4%27%20OR%201=1")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("not-an-ip")]
    public async Task Invalid_addresses_get_400_with_an_error_and_no_quota_charge(string ip)
    {
        var response = await _client.GetAsync("/v1/key/check/" + ip);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
        Assert.Equal("0", response.Header("X-Daily-Used"));
    }

    [Theory]
    [InlineData("verbose=maybe")]
    [InlineData("maxAge=-5")]
    [InlineData("maxAge=abc")]
    [InlineData("ignoreWhitelist=2")]
    public async Task Invalid_parameters_get_400(string query)
    {
        var response = await _client.GetAsync("/v1/key/check/45.33.32.156?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Whitelisted_resolver_is_discounted_unless_ignoreWhitelist()
    {
        // Reports against 8.8.8.8 from several reporters: the built-in whitelist names it and zeroes the score.
        for (var i = 0; i < 3; i++)
        {
            var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("contributor"));
            Assert.Equal(HttpStatusCode.OK, (await reporter.PostJsonAsync("/v1/key/report", new { ip = "8.8.8.8", category = "ddos" })).StatusCode);
        }

        var discounted = await (await _client.GetAsync("/v1/key/check/8.8.8.8")).JsonAsync();
        var raw = await (await _client.GetAsync("/v1/key/check/8.8.8.8?ignoreWhitelist=true")).JsonAsync();
        Assert.Equal(0, discounted.GetProperty("confidenceLevel").GetInt32());
        Assert.True(raw.GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(discounted.GetProperty("whitelisted").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_unreported_whitelisted_address_is_not_the_blank_answer()
    {
        // Nothing reported, but the built-in whitelist names it: the answer says so (found false, score 0).
        var response = await _client.GetAsync("/v1/key/check/8.8.8.8");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.Equal(0, json.GetProperty("confidenceLevel").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("whitelisted").GetProperty("name").GetString()));
        Assert.Equal("1", response.Headers.GetValues("X-Daily-Used").Single());
    }

    [Fact]
    public async Task An_answer_served_again_is_charged_each_time_and_shows_a_report_made_since_at_once()
    {
        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.170", category = "brute_force", protocol = "ssh", comment = "first" });
        var first = await _client.GetAsync("/v1/key/check/45.33.32.170");
        var again = await _client.GetAsync("/v1/key/check/45.33.32.170");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(int.Parse(first.Header("X-Daily-Used")!) + 1, int.Parse(again.Header("X-Daily-Used")!));

        await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.170", category = "port_scan", comment = "second" });
        var after = await _client.GetAsync("/v1/key/check/45.33.32.170");
        var json = await after.JsonAsync();
        Assert.Equal(2, json.GetProperty("reports").GetArrayLength());
        Assert.Equal("second", json.GetProperty("reports")[0].GetProperty("comment").GetString());
        Assert.Contains(json.GetProperty("categories").EnumerateArray(), c => c.GetProperty("name").GetString() == "port_scan");
        Assert.Equal(int.Parse(again.Header("X-Daily-Used")!) + 1, int.Parse(after.Header("X-Daily-Used")!));
    }

    [Fact]
    public async Task More_distinct_reporters_raise_the_score()
    {
        var scores = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("contributor"));
            await reporter.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.160", category = "brute_force", protocol = "ssh" });
            scores.Add((await (await _client.GetAsync("/v1/key/check/45.33.32.160")).JsonAsync()).GetProperty("confidenceLevel").GetInt32());
        }

        for (var i = 1; i < scores.Count; i++)
        {
            Assert.True(scores[i] > scores[i - 1], $"scores {string.Join(",", scores)} should rise with each new reporter");
        }
    }

    [Fact]
    public async Task Double_slash_from_a_base_url_with_trailing_slash_is_served_without_redirect()
    {
        var response = await _client.GetAsync(new Uri(_host.BaseAddress.ToString().TrimEnd('/') + "//v1/key/check/45.33.32.156"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
