using System.Net;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.IpSwamp;

public sealed class IpSwampTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(configure: o => o.Tiers["contributor"] = new TierSettings { Features = ["Report"] });
        _key = await _host.CreateKeyAsync("professional");
        _client = _host.ClientWithKey(_key);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task ReportAsync(string ip, string category)
        => Assert.Equal(HttpStatusCode.OK, (await _host.ClientWithKey(await _host.CreateKeyAsync()).PostJsonAsync("/v1/key/report", new { ip, category })).StatusCode);

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("error").GetBoolean());
        Assert.Equal((int)status, json.GetProperty("statusCode").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, json.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Whitelisted_address_is_answered_as_in_the_seed_document()
    {
        var response = await _client.GetAsync("/api/v1/checkIP?ip=1.1.1.1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(["message", "description", "details", "ipInfo"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("IP is whitelisted", json.GetProperty("message").GetString());
        Assert.Contains("Cloudflare", json.GetProperty("description").GetString());
        var details = json.GetProperty("details");
        Assert.Equal(["score", "ip", "last_attack", "total_hits"], details.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, details.GetProperty("score").GetDouble());
        Assert.Equal("", details.GetProperty("last_attack").GetString());
        Assert.Equal(["ip", "asn", "as_name", "as_domain", "country_code", "country", "continent_code", "continent"],
            json.GetProperty("ipInfo").EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.1.1.1", json.GetProperty("ipInfo").GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Reported_address_is_found_with_reputation_and_hits()
    {
        await ReportAsync("45.33.80.1", "brute_force");
        await ReportAsync("45.33.80.1", "port_scan");
        var json = await (await _client.GetAsync("/api/v1/checkIP?ip=45.33.80.1")).JsonAsync();
        Assert.Equal("IP found!", json.GetProperty("message").GetString());
        var details = json.GetProperty("details");
        Assert.True(details.GetProperty("score").GetDouble() > 0);
        Assert.Equal(2, details.GetProperty("total_hits").GetInt64());
        Assert.Contains(details.GetProperty("ip_rep").GetString(), new[] { "known attacker", "suspicious", "clean" });
        Assert.True(DateTimeOffset.TryParse(details.GetProperty("last_attack").GetString(), out _));
    }

    [Fact]
    public async Task Both_auth_forms_work_and_errors_have_ipswamps_statuses()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };
        await AssertErrorAsync(await anonymous.GetAsync("/api/v1/checkIP?ip=45.33.80.2"), HttpStatusCode.Unauthorized);
        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/v1/checkIP?ip=45.33.80.2");
        header.Headers.Add("X-API-Key", _key);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(header)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/checkIP?ip=45.33.80.2");
        wrong.Headers.Add("X-API-Key", "sk_free_wrongwrongwrongwrongwrongwrong12");
        await AssertErrorAsync(await anonymous.SendAsync(wrong), HttpStatusCode.Forbidden, "Invalid API key");
        await AssertErrorAsync(await _client.GetAsync("/api/v1/checkIP"), HttpStatusCode.BadRequest, "IP address is required");
        await AssertErrorAsync(await _client.GetAsync("/api/v1/checkIP?ip=1.2.3"), HttpStatusCode.BadRequest);
        var noFeature = _host.ClientWithKey(await _host.CreateKeyAsync("contributor"));
        await AssertErrorAsync(await noFeature.GetAsync("/api/v1/checkIP?ip=45.33.80.2"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Exhausted_usage_is_403_with_retry_after_and_account_does_not_count()
    {
        var key = await _host.CreateKeyAsync("professional", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2 });
        var client = _host.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/test-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/checkIP?ip=45.33.80.3")).StatusCode);
        var account = await client.GetAsync("/api/v1/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var json = await account.JsonAsync();
        Assert.False(json.GetProperty("counts_toward_quota").GetBoolean());
        Assert.Equal(2, json.GetProperty("api_key").GetProperty("current_usage").GetInt64());
        Assert.Equal(2, json.GetProperty("api_key").GetProperty("max_api_requests").GetInt64());
        Assert.Equal("2", account.Header("X-Daily-Used"));
        var refused = await client.GetAsync("/api/v1/checkIP?ip=45.33.80.3");
        await AssertErrorAsync(refused, HttpStatusCode.Forbidden);
        Assert.True(long.Parse(refused.Header("Retry-After")) >= 1);
    }

    [Fact]
    public async Task Test_key_describes_the_key_and_costs_one_request()
    {
        var response = await _client.GetAsync("/api/v1/test-key");
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal("API key validation successful! -1 Request", json.GetProperty("message").GetString());
        Assert.Equal(1, json.GetProperty("api_key_info").GetProperty("current_usage").GetInt64());
        Assert.Equal(25_000, json.GetProperty("api_key_info").GetProperty("max_api_requests").GetInt64());
        Assert.Equal("1", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Bulk_checks_up_to_100_and_counts_only_found_addresses()
    {
        await ReportAsync("45.33.80.4", "ddos");
        var response = await _client.PostJsonAsync("/api/v1/checkIP/bulk", new { ips = new[] { "45.33.80.4", "45.33.80.5", "nope" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(3, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("successful").GetInt32());
        Assert.Equal(1, json.GetProperty("failed").GetInt32());
        var first = json.GetProperty("results")[0].GetProperty("data");
        Assert.True(first.GetProperty("threat_score").GetDouble() > 0);
        Assert.Contains(first.GetProperty("threat_level").GetString(), new[] { "LOW", "MEDIUM", "HIGH", "CRITICAL" });
        Assert.Equal(JsonValueKind.Null, json.GetProperty("results")[2].GetProperty("data").ValueKind);
        Assert.Equal("1", response.Header("X-Daily-Used"));

        var tooMany = await _client.PostJsonAsync("/api/v1/checkIP/bulk", new { ips = Enumerable.Range(1, 101).Select(i => $"45.33.81.{i}").ToArray() });
        await AssertErrorAsync(tooMany, HttpStatusCode.BadRequest, "Maximum 100 IPs per request");
        await AssertErrorAsync(await _client.PostRawAsync("/api/v1/checkIP/bulk", "{\"ip\":1}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Subnet_lists_known_addresses_and_refuses_more_than_a_24()
    {
        await ReportAsync("45.33.82.10", "brute_force");
        await ReportAsync("45.33.82.20", "spam");
        var response = await _client.GetAsync("/api/v1/checkSubnet?cidr=45.33.82.0/24");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("45.33.82.0", json.GetProperty("network").GetString());
        Assert.Equal("45.33.82.255", json.GetProperty("broadcast").GetString());
        Assert.Equal(256, json.GetProperty("total_ips").GetInt64());
        Assert.Equal(["45.33.82.10", "45.33.82.20"], json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ip").GetString()));
        Assert.Equal(2, json.GetProperty("summary").GetProperty("found_count").GetInt32());
        Assert.Equal("2", response.Header("X-Daily-Used"));
        await AssertErrorAsync(await _client.GetAsync("/api/v1/checkSubnet?cidr=45.33.0.0/23"), HttpStatusCode.BadRequest);
        await AssertErrorAsync(await _client.GetAsync("/api/v1/checkSubnet"), HttpStatusCode.BadRequest);
    }
}
