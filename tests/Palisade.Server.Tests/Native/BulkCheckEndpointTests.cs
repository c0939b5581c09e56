using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class BulkCheckEndpointTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(configure: o => o.Tiers["contributor"] = new TierSettings { Features = ["Check", "Report"] });
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> BulkCheckAsync(string body, HttpClient? client = null)
        => (client ?? _client).PostRawAsync("/v1/key/bulk-check-inline", body, "text/plain");

    [Fact]
    public async Task Answers_each_line_in_order_with_the_same_score_and_last_seen_as_a_single_check()
    {
        var report = await _client.PostRawAsync("/v1/key/bulk-report", "45.61.1.1,brute_force,ssh,\n45.61.1.1,port_scan,ssh,\n", "text/csv");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        // Exactly what SikkerAPI's CLI sends: the file verbatim, blank lines and trailing newline included.
        var response = await BulkCheckAsync("45.61.1.1\n8.8.8.8\n\n10.0.0.1\n");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(3, json.GetProperty("queried").GetInt32());
        Assert.Equal(1, json.GetProperty("found").GetInt32());
        var results = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["45.61.1.1", "8.8.8.8", "10.0.0.1"], results.Select(r => r.GetProperty("ip").GetString()));

        var single = await (await _client.GetAsync("/v1/key/check/45.61.1.1")).JsonAsync();
        Assert.True(results[0].GetProperty("found").GetBoolean());
        Assert.Equal(single.GetProperty("confidenceLevel").GetInt32(), results[0].GetProperty("confidenceLevel").GetInt32());
        Assert.True(results[0].GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.Equal(DateTimeOffset.Parse(single.GetProperty("lastSeen").GetString()!).ToUnixTimeMilliseconds(), results[0].GetProperty("lastSeen").GetInt64());

        foreach (var unknown in results.Skip(1))
        {
            Assert.False(unknown.GetProperty("found").GetBoolean());
            Assert.Equal(JsonValueKind.Null, unknown.GetProperty("confidenceLevel").ValueKind);
            Assert.Equal(JsonValueKind.Null, unknown.GetProperty("lastSeen").ValueKind);
            Assert.Equal(JsonValueKind.Null, unknown.GetProperty("countryCode").ValueKind);
        }
    }

    [Fact]
    public async Task Header_line_crlf_bom_and_csv_columns_are_tolerated()
    {
        var body = "\uFEFFip,found\r\n1.1.1.1,true\r\n\r\n2001:DB8:0::1\r\n";
        var json = await (await BulkCheckAsync(body)).JsonAsync();
        Assert.Equal(2, json.GetProperty("queried").GetInt32());
        Assert.Equal("2001:db8::1", json.GetProperty("results")[1].GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Quota_is_one_lookup_per_address_and_a_list_the_quota_cannot_cover_is_refused_uncharged()
    {
        var client = _host.ClientWithKey(await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 5 }));
        var first = await BulkCheckAsync("1.1.1.1\n1.0.0.1\n9.9.9.9\n", client);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("3", first.Header("X-Daily-Used"));
        Assert.Equal("2", first.Header("X-RateLimit-Remaining"));

        var tooMany = await BulkCheckAsync("1.1.1.1\n1.0.0.1\n9.9.9.9\n", client);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooMany.StatusCode);
        Assert.Contains("only 2", (await tooMany.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("3", tooMany.Header("X-Daily-Used"));
        Assert.True(int.Parse(tooMany.Header("Retry-After")) > 0);
    }

    [Fact]
    public async Task Bad_lines_are_named_and_nothing_is_charged()
    {
        var response = await BulkCheckAsync("1.1.1.1\n999.1.1.1\n8.8.8.8\nnot an address\n");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString();
        Assert.Contains("Line 2", error);
        Assert.Contains("line 4", error);
        Assert.Equal("0", response.Header("X-Daily-Used"));

        var empty = await BulkCheckAsync("\n\n");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_addresses_pass_and_ten_thousand_and_one_get_413()
    {
        var list = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            list.Append("47.1.").Append(i / 256).Append('.').Append(i % 256).Append('\n');
        }

        var ok = await BulkCheckAsync(list.ToString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(10_000, (await ok.JsonAsync()).GetProperty("queried").GetInt32());

        list.Append("47.2.0.0\n");
        var tooMany = await BulkCheckAsync(list.ToString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("10,000", (await tooMany.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("10000", tooMany.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Keys_need_the_bulk_check_feature()
    {
        var contributor = _host.ClientWithKey(await _host.CreateKeyAsync("contributor"));
        var response = await BulkCheckAsync("1.1.1.1\n", contributor);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("BulkCheck", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Client.PostRawAsync("/v1/key/bulk-check-inline", "1.1.1.1\n", "text/plain")).StatusCode);
    }
}
