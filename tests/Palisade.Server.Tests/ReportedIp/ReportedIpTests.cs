using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.ReportedIp;

public sealed class ReportedIpTests : IAsyncLifetime
{
    private const string Base = "/wp-json/reportedip/v2";
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> KeyedAsync(string tier = "free", IReadOnlyDictionary<QuotaFamily, long>? limits = null)
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Key", await _host.CreateKeyAsync(tier, limits));
        return client;
    }

    private static async Task<JsonElement> OkDataAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("meta").GetProperty("success").GetBoolean());
        Assert.Equal(200, json.GetProperty("meta").GetProperty("code").GetInt32());
        return json.GetProperty("data");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("meta").GetProperty("success").GetBoolean());
        Assert.Equal((int)status, json.GetProperty("meta").GetProperty("code").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, json.GetProperty("meta").GetProperty("message").GetString());
        }

        if (status != HttpStatusCode.TooManyRequests)
        {
            Assert.Equal(JsonValueKind.Null, json.GetProperty("data").ValueKind);
        }
    }

    private static FormUrlEncodedContent Form(params (string, string)[] fields)
        => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    [Fact]
    public async Task Multipart_json_and_query_reports_are_accepted_like_a_form()
    {
        var client = await KeyedAsync("contributor");
        using var multipart = new MultipartFormDataContent
        {
            { new StringContent("45.33.70.11"), "ip" },
            { new StringContent("31,18"), "categories" },
            { new StringContent("wp-login \u00d7 5"), "comment" },
        };
        var report = await OkDataAsync(await client.PostAsync(Base + "/report", multipart));
        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.Equal([31, 18], report.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));

        Assert.Equal("accepted", (await OkDataAsync(await client.PostAsync(Base + "/report",
            new StringContent("""{"ip":"45.33.70.12","categories":[31]}""", System.Text.Encoding.UTF8, "application/json")))).GetProperty("status").GetString());
        Assert.Equal("accepted", (await OkDataAsync(await client.PostAsync(Base + "/report?ip=45.33.70.13&categories=31", null))).GetProperty("status").GetString());
        foreach (var ip in (string[])["45.33.70.11", "45.33.70.12", "45.33.70.13"])
        {
            Assert.Equal(1, (await OkDataAsync(await client.GetAsync(Base + "/check?ip=" + ip))).GetProperty("totalReports").GetInt64());
        }

        // A body over the limit is refused in the envelope, and nothing is stored.
        using var huge = new MultipartFormDataContent { { new StringContent("45.33.70.14"), "ip" }, { new StringContent(new string('x', 70_000)), "comment" } };
        await AssertErrorAsync(await client.PostAsync(Base + "/report", huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, (await OkDataAsync(await client.GetAsync(Base + "/check?ip=45.33.70.14"))).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Check_sends_an_etag_and_an_unchanged_answer_is_304_without_being_charged()
    {
        var reporter = await KeyedAsync("contributor");
        Assert.Equal(HttpStatusCode.OK, (await reporter.PostAsync(Base + "/report", Form(("ip", "45.33.70.21"), ("categories", "18")))).StatusCode);
        var client = await KeyedAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2 });
        var first = await client.GetAsync(Base + "/check?ip=45.33.70.21");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Base + "/check?ip=45.33.70.21");
            request.Headers.IfNoneMatch.Add(etag!);
            var again = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Equal(etag, again.Headers.ETag);
        }

        // A new report changes the answer: the old tag no longer matches and the full answer (charged) comes back.
        var second = await KeyedAsync("contributor");
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync(Base + "/report", Form(("ip", "45.33.70.21"), ("categories", "31")))).StatusCode);
        using (var changed = new HttpRequestMessage(HttpMethod.Get, Base + "/check?ip=45.33.70.21"))
        {
            changed.Headers.IfNoneMatch.Add(etag!);
            var fresh = await client.SendAsync(changed);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.NotEqual(etag, fresh.Headers.ETag);
        }

        // Two charged answers against a quota of two: the 304s were free.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync(Base + "/check?ip=45.33.70.21")).StatusCode);
    }

    [Fact]
    public async Task Form_report_then_check_answers_in_reportedip_ids()
    {
        var client = await KeyedAsync();
        var report = await OkDataAsync(await client.PostAsync(Base + "/report", Form(("ip", "45.33.70.1"), ("categories", "31,18"), ("comment", "wp-login"))));
        Assert.Equal("accepted", report.GetProperty("status").GetString());
        Assert.Equal([31, 18], report.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));

        var check = await OkDataAsync(await client.GetAsync(Base + "/check?ip=45.33.70.1&verbose=true"));
        Assert.Equal("45.33.70.1", check.GetProperty("ip").GetString());
        Assert.True(check.GetProperty("abuseConfidencePercentage").GetInt32() > 0);
        Assert.Equal(1, check.GetProperty("totalReports").GetInt64());
        Assert.False(check.GetProperty("isWhitelisted").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, check.GetProperty("lastReportedAt").ValueKind);
        Assert.Equal([31, 18], check.GetProperty("reports")[0].GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.True(check.GetProperty("confidenceBreakdown").GetProperty("components").GetArrayLength() > 0);

        var again = await OkDataAsync(await client.PostAsync(Base + "/report", Form(("ip", "45.33.70.1"), ("categories", "31"))));
        Assert.Equal("duplicate", again.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("", "18")]
    [InlineData("45.33.70.2", "")]
    [InlineData("45.33.70.2", "59")]
    [InlineData("45.33.70.2", "x")]
    [InlineData("192.168.0.1", "18")]
    public async Task Bad_reports_are_400_in_the_envelope_and_store_nothing(string ip, string categories)
    {
        var client = await KeyedAsync();
        await AssertErrorAsync(await client.PostAsync(Base + "/report", Form(("ip", ip), ("categories", categories))), HttpStatusCode.BadRequest);
        var check = await OkDataAsync(await client.GetAsync(Base + "/check?ip=45.33.70.2"));
        Assert.Equal(0, check.GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Missing_or_invalid_key_is_401_with_the_seed_message_in_both_forms()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };
        await AssertErrorAsync(await anonymous.GetAsync(Base + "/check?ip=45.33.70.3"), HttpStatusCode.Unauthorized, "Invalid or missing API key.");
        await AssertErrorAsync(await anonymous.GetAsync(Base + "/check?ip=45.33.70.3&key=sk_free_nope"), HttpStatusCode.Unauthorized, "Invalid or missing API key.");
        await AssertErrorAsync(await anonymous.GetAsync(Base + "/check-public?ip=45.33.70.3&key=sk_free_nope"), HttpStatusCode.Unauthorized);
        var key = await _host.CreateKeyAsync();
        await OkDataAsync(await anonymous.GetAsync($"{Base}/check?ip=45.33.70.3&key={key}"));
    }

    [Fact]
    public async Task Roles_gate_bulk_endpoints_with_403_and_the_seed_message()
    {
        var free = await KeyedAsync("free");
        var professional = await KeyedAsync("professional");
        var enterprise = await KeyedAsync("enterprise");
        var ips = JsonSerializer.Serialize(new { ips = new[] { "45.33.70.4", "45.33.70.5" } });
        var reports = JsonSerializer.Serialize(new { reports = new[] { new { ip = "45.33.70.6", categories = "18" } } });

        await AssertErrorAsync(await free.PostRawAsync(Base + "/bulk-check", ips), HttpStatusCode.Forbidden, "Your role does not have access to this endpoint.");
        await OkDataAsync(await professional.PostRawAsync(Base + "/bulk-check", ips));
        await AssertErrorAsync(await professional.PostRawAsync(Base + "/bulk-report", reports), HttpStatusCode.Forbidden);
        var bulk = await OkDataAsync(await enterprise.PostRawAsync(Base + "/bulk-report", reports));
        Assert.Equal(1, bulk.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Bulk_check_charges_one_unit_per_valid_address_and_lists_invalid_ones()
    {
        var client = await KeyedAsync("professional");
        var response = await client.PostRawAsync(Base + "/bulk-check", "45.33.70.7\n45.33.70.8\nnot-an-ip\n", "text/plain");
        var data = await OkDataAsync(response);
        Assert.Equal(3, data.GetProperty("total").GetInt32());
        Assert.Equal(2, data.GetProperty("results").GetArrayLength());
        Assert.Equal("not-an-ip", data.GetProperty("invalid")[0].GetProperty("ip").GetString());
        Assert.Equal("2", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Bulk_report_counts_outcomes_per_row()
    {
        var client = await KeyedAsync("enterprise");
        var body = JsonSerializer.Serialize(new
        {
            reports = new object[]
            {
                new { ip = "45.33.70.9", categories = new[] { 33 }, comment = "xmlrpc" },
                new { ip = "45.33.70.9", categories = new[] { 33 } },
                new { ip = "bad", categories = "18" },
            },
        });
        var data = await OkDataAsync(await client.PostRawAsync(Base + "/bulk-report", body));
        Assert.Equal(1, data.GetProperty("accepted").GetInt32());
        Assert.Equal(1, data.GetProperty("duplicates").GetInt32());
        Assert.Equal(2, data.GetProperty("errors")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task Public_endpoints_allow_100_requests_a_day_per_client_then_429_with_retry_after()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };
        for (var i = 1; i <= 100; i++)
        {
            var path = (i % 4) switch
            {
                0 => "/check-public?ip=45.33.70.10",
                1 => "/categories",
                2 => "/stats-public",
                _ => "/search-public?q=45.33.70.0/24",
            };
            var ok = await anonymous.GetAsync(Base + path);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("100", ok.Header("X-RateLimit-Limit"));
            Assert.Equal((100 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Header("X-RateLimit-Remaining"));
        }

        var refused = await anonymous.GetAsync(Base + "/check-public?ip=45.33.70.10");
        await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "Rate limit exceeded. Try again later.");
        var retryAfter = long.Parse(refused.Header("Retry-After"));
        Assert.Equal(retryAfter, (await refused.JsonAsync()).GetProperty("data").GetProperty("retryAfter").GetInt64());
        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1)).ToUnixTimeSeconds(), long.Parse(refused.Header("X-RateLimit-Reset")));

        // With a key the same endpoint uses the key's quota instead.
        var keyed = await KeyedAsync();
        var withKey = await keyed.GetAsync(Base + "/check-public?ip=45.33.70.10");
        await OkDataAsync(withKey);
        Assert.Equal("1000", withKey.Header("X-RateLimit-Limit"));
        Assert.Equal("1", withKey.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Key_quota_exhausted_is_429_with_retry_after_in_body_and_header()
    {
        var client = await KeyedAsync(limits: new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 1 });
        await OkDataAsync(await client.GetAsync(Base + "/check?ip=45.33.70.11"));
        var refused = await client.GetAsync(Base + "/check?ip=45.33.70.11");
        await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "Rate limit exceeded. Try again later.");
        Assert.Equal(long.Parse(refused.Header("Retry-After")), (await refused.JsonAsync()).GetProperty("data").GetProperty("retryAfter").GetInt64());
    }

    [Fact]
    public async Task Categories_lists_all_58_with_their_native_mapping()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };
        var data = await OkDataAsync(await anonymous.GetAsync(Base + "/categories"));
        Assert.Equal(58, data.GetArrayLength());
        var wpLogin = data.EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == 31);
        Assert.Equal("WP Login Brute Force", wpLogin.GetProperty("name").GetString());
        Assert.Equal("brute_force", wpLogin.GetProperty("nativeCategory").GetString());
    }

    [Fact]
    public async Task Search_and_stats_reflect_reports()
    {
        var client = await KeyedAsync();
        await OkDataAsync(await client.PostAsync(Base + "/report", Form(("ip", "45.33.71.5"), ("categories", "18"))));
        await OkDataAsync(await client.PostAsync(Base + "/report", Form(("ip", "45.33.71.6"), ("categories", "14"))));
        var search = await OkDataAsync(await client.GetAsync(Base + "/search-public?q=45.33.71.0/24"));
        Assert.Equal(2, search.GetProperty("total").GetInt32());
        await AssertErrorAsync(await client.GetAsync(Base + "/search-public?q=45.0.0.0/8"), HttpStatusCode.BadRequest);
        await AssertErrorAsync(await client.GetAsync(Base + "/search-public"), HttpStatusCode.BadRequest);
        var stats = await OkDataAsync(await client.GetAsync(Base + "/stats-public"));
        Assert.Equal(2, stats.GetProperty("trackedIps").GetInt64());
        Assert.Equal(2, stats.GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Verify_key_describes_role_permissions_and_limits_without_charging()
    {
        var client = await KeyedAsync("professional");
        var response = await client.GetAsync(Base + "/verify-key");
        var data = await OkDataAsync(response);
        Assert.True(data.GetProperty("valid").GetBoolean());
        Assert.Equal("professional", data.GetProperty("userRole").GetString());
        Assert.Contains("bulk_check", data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.DoesNotContain("bulk_report", data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(25_000, data.GetProperty("limits").GetProperty("dailyApiLimit").GetInt64());
        Assert.Equal(1_000, data.GetProperty("limits").GetProperty("dailyReportLimit").GetInt64());
        Assert.Equal("0", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Check_errors_are_400_in_the_envelope()
    {
        var client = await KeyedAsync();
        await AssertErrorAsync(await client.GetAsync(Base + "/check"), HttpStatusCode.BadRequest);
        await AssertErrorAsync(await client.GetAsync(Base + "/check?ip=999.1.1.1"), HttpStatusCode.BadRequest);
        await AssertErrorAsync(await client.GetAsync(Base + "/check?ip=45.33.70.12&verbose=maybe"), HttpStatusCode.BadRequest);
        var body = Encoding.UTF8.GetString(await (await client.GetAsync(Base + "/check?ip=1.1.1.1")).Content.ReadAsByteArrayAsync());
        Assert.Contains("\"isWhitelisted\":true", body);
    }
}
