using System.Net;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

public sealed class AbuseIpdbCheckTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(configure: o => o.Tiers["contributor"] = new TierSettings { Features = ["Report"] });
        _client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> DataAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("data");
    }

    private async Task ReportAsync(string ip, string categories, HttpClient? client = null)
    {
        var response = await (client ?? _client).PostFormAsync("/api/v2/report", ("ip", ip), ("categories", categories), ("comment", "seen"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Check_of_an_unknown_public_address_has_every_field_and_zero_score()
    {
        var data = await DataAsync("/api/v2/check?ipAddress=45.33.50.1&maxAgeInDays=90");
        Assert.Equal("45.33.50.1", data.GetProperty("ipAddress").GetString());
        Assert.True(data.GetProperty("isPublic").GetBoolean());
        Assert.Equal(4, data.GetProperty("ipVersion").GetInt32());
        Assert.False(data.GetProperty("isWhitelisted").GetBoolean());
        Assert.Equal(0, data.GetProperty("abuseConfidenceScore").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("countryCode").ValueKind);
        Assert.Equal(JsonValueKind.Array, data.GetProperty("hostnames").ValueKind);
        Assert.False(data.GetProperty("isTor").GetBoolean());
        Assert.Equal(0, data.GetProperty("totalReports").GetInt64());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("lastReportedAt").ValueKind);
        Assert.False(data.TryGetProperty("reports", out _));
    }

    [Fact]
    public async Task Check_counts_distinct_reporters_and_ipv6_and_private_addresses_are_answered()
    {
        await ReportAsync("45.33.50.2", "18,22");
        await ReportAsync("45.33.50.2", "14", AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional")));
        var data = await DataAsync("/api/v2/check?ipAddress=45.33.50.2");
        Assert.Equal(2, data.GetProperty("totalReports").GetInt64());
        Assert.Equal(2, data.GetProperty("numDistinctUsers").GetInt32());
        Assert.True(data.GetProperty("abuseConfidenceScore").GetInt32() > 0);

        var v6 = await DataAsync("/api/v2/check?ipAddress=" + Uri.EscapeDataString("2a03:2880:f10c:83:face:b00c:0:25de"));
        Assert.Equal(6, v6.GetProperty("ipVersion").GetInt32());
        var local = await DataAsync("/api/v2/check?ipAddress=192.168.1.1");
        Assert.False(local.GetProperty("isPublic").GetBoolean());
    }

    [Fact]
    public async Task Whitelisted_address_says_so()
    {
        var data = await DataAsync("/api/v2/check?ipAddress=1.1.1.1");
        Assert.True(data.GetProperty("isWhitelisted").GetBoolean());
    }

    [Theory]
    [InlineData("/api/v2/check", "ipAddress")]
    [InlineData("/api/v2/check?ipAddress=1.2.3", "ipAddress")]
    [InlineData("/api/v2/check?ipAddress=45.33.50.3&maxAgeInDays=0", "maxAgeInDays")]
    [InlineData("/api/v2/check?ipAddress=45.33.50.3&maxAgeInDays=366", "maxAgeInDays")]
    [InlineData("/api/v2/reports?ipAddress=45.33.50.3&perPage=101", "perPage")]
    [InlineData("/api/v2/reports?ipAddress=45.33.50.3&page=0", "page")]
    [InlineData("/api/v2/check-block", "network")]
    [InlineData("/api/v2/check-block?network=45.33.0.0/15", "network")]
    [InlineData("/api/v2/check-block?network=banana", "network")]
    public async Task Bad_parameters_are_422_naming_the_parameter_and_not_charged(string path, string parameter)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors")[0];
        Assert.Equal(parameter, error.GetProperty("source").GetProperty("parameter").GetString());
        Assert.Equal(422, error.GetProperty("status").GetInt32());
        Assert.Equal("0", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Reports_are_paged_newest_first_in_abuseipdb_categories()
    {
        for (var i = 0; i < 3; i++)
        {
            await ReportAsync("45.33.50.4", (14 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional")));
        }

        var first = await DataAsync("/api/v2/reports?ipAddress=45.33.50.4&perPage=2");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("count").GetInt32());
        Assert.Equal(2, first.GetProperty("lastPage").GetInt32());
        Assert.Equal(16, first.GetProperty("results")[0].GetProperty("categories")[0].GetInt32());
        var next = first.GetProperty("nextPageUrl").GetString()!;
        Assert.Contains("page=2", next);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("previousPageUrl").ValueKind);
        var second = await DataAsync(new Uri(next).PathAndQuery);
        Assert.Equal(1, second.GetProperty("count").GetInt32());
        Assert.Equal(14, second.GetProperty("results")[0].GetProperty("categories")[0].GetInt32());
    }

    [Fact]
    public async Task Distinct_reporters_and_report_pages_cover_every_retained_report_not_only_the_recent_ones()
    {
        // Fourteen reporters: more than the ten recent reports the index keeps per address for checks.
        for (var i = 0; i < 14; i++)
        {
            await ReportAsync("45.33.50.9", "18", AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional")));
        }

        var check = await DataAsync("/api/v2/check?ipAddress=45.33.50.9&verbose");
        Assert.Equal(14, check.GetProperty("totalReports").GetInt64());
        Assert.Equal(14, check.GetProperty("numDistinctUsers").GetInt32());
        Assert.Equal(14, check.GetProperty("reports").GetArrayLength());
        var page = await DataAsync("/api/v2/reports?ipAddress=45.33.50.9&perPage=5&page=3");
        Assert.Equal(14, page.GetProperty("total").GetInt32());
        Assert.Equal(3, page.GetProperty("lastPage").GetInt32());
        Assert.Equal(4, page.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Check_block_lists_reported_addresses_of_the_network()
    {
        await ReportAsync("45.33.51.7", "18");
        await ReportAsync("45.33.51.200", "14");
        await ReportAsync("45.33.52.1", "14");
        var data = await DataAsync("/api/v2/check-block?network=45.33.51.0/24");
        Assert.Equal("45.33.51.0", data.GetProperty("networkAddress").GetString());
        Assert.Equal("255.255.255.0", data.GetProperty("netmask").GetString());
        Assert.Equal("45.33.51.1", data.GetProperty("minAddress").GetString());
        Assert.Equal("45.33.51.254", data.GetProperty("maxAddress").GetString());
        Assert.Equal(254, data.GetProperty("numPossibleHosts").GetInt32());
        Assert.Equal("Internet", data.GetProperty("addressSpaceDesc").GetString());
        var listed = data.GetProperty("reportedAddress").EnumerateArray().Select(a => a.GetProperty("ipAddress").GetString()).Order().ToList();
        Assert.Equal(["45.33.51.200", "45.33.51.7"], listed);
        Assert.Equal(1, data.GetProperty("reportedAddress")[0].GetProperty("numReports").GetInt64());
    }

    [Fact]
    public async Task Free_keys_may_check_a_24_at_most()
    {
        var free = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("free"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await free.GetAsync("/api/v2/check-block?network=45.33.0.0/16")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await free.GetAsync("/api/v2/check-block?network=45.33.0.0/24")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/v2/check-block?network=45.33.0.0/16")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk_free_wrongwrongwrongwrongwrongwrong12")]
    public async Task Missing_or_wrong_key_is_401_in_abuseipdb_shape(string? key)
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("Key", key);
        }

        var response = await client.GetAsync("/api/v2/check?ipAddress=45.33.50.5");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors")[0];
        Assert.Equal(401, error.GetProperty("status").GetInt32());
        Assert.StartsWith("Authentication failed", error.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Key_in_the_query_string_is_accepted()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        var key = await _host.CreateKeyAsync("professional");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v2/check?ipAddress=45.33.50.6&key=" + key)).StatusCode);
    }

    [Fact]
    public async Task Tier_without_the_feature_is_403()
    {
        var reportOnly = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("contributor"));
        var response = await reportOnly.GetAsync("/api/v2/check?ipAddress=45.33.50.7");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(403, (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("status").GetInt32());
        using var csv = new MultipartFormDataContent { { new StringContent("IP,Categories,ReportDate,Comment\n"), "csv", "r.csv" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await reportOnly.PostAsync("/api/v2/bulk-report", csv)).StatusCode);
    }

    [Fact]
    public async Task Check_quota_is_shared_with_the_native_face_and_429_carries_retry_after()
    {
        var key = await _host.CreateKeyAsync("professional", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2 });
        var client = AbuseIpdbClient.Create(_host, key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v2/check?ipAddress=45.33.50.8")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.ClientWithKey(key).GetAsync("/v1/key/check/45.33.50.8")).StatusCode);
        var refused = await client.GetAsync("/api/v2/check?ipAddress=45.33.50.8");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Daily rate limit of 2", (await refused.JsonAsync()).GetProperty("errors")[0].GetProperty("detail").GetString());
        Assert.True(long.Parse(refused.Header("Retry-After")) >= 1);
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
    }
}
