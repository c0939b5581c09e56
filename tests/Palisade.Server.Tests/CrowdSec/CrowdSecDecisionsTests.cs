using System.Net;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Core.Whitelisting;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.CrowdSec;

public sealed class CrowdSecDecisionsTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _bouncer = null!;
    private HttpClient _sensor = null!;

    public async Task InitializeAsync()
    {
        // A clock that stands still: durations count from it, so two answers of the same data are the same bytes.
        _host = await PalisadeHost.StartAsync(clock: new MutableClock(DateTimeOffset.UtcNow));
        _bouncer = Bouncer(await _host.CreateKeyAsync("professional"));
        _sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Bouncer(string key)
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A sensor observation in four severe categories: enough for the default threshold of 75.</summary>
    private async Task ListAsync(string ip)
    {
        var response = await _sensor.PostJsonAsync("/v1/key/report",
            new { ip, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var score = (await (await _sensor.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("confidenceLevel").GetInt32();
        Assert.True(score >= 75, $"test setup: {ip} scored {score}, below the decision threshold");
    }

    private async Task<JsonElement> StreamAsync(bool startup)
    {
        var response = await _bouncer.GetAsync("/v1/decisions/stream?startup=" + (startup ? "true" : "false"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    // A decision's id: FNV-1a of the address text, 31 bits. Bouncers keep decisions by id, so it is the same in every
    // answer and across versions.
    private static long Fnv1a(string address)
    {
        var hash = 2166136261u;
        foreach (var c in address)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash & 0x7FFFFFFF;
    }

    private static List<string> Values(JsonElement list)
        => list.ValueKind == JsonValueKind.Null ? [] : [.. list.EnumerateArray().Select(d => d.GetProperty("value").GetString()!)];

    private static List<string> NewValues(string stream)
    {
        using var document = JsonDocument.Parse(stream);
        return Values(document.RootElement.GetProperty("new"));
    }

    [Fact]
    public async Task Stream_sends_the_list_at_startup_then_only_what_changed()
    {
        await ListAsync("45.33.90.1");
        var first = await StreamAsync(startup: true);
        Assert.Equal(["45.33.90.1"], Values(first.GetProperty("new")));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("deleted").ValueKind);
        var decision = first.GetProperty("new")[0];
        Assert.Equal("Ip", decision.GetProperty("scope").GetString());
        Assert.Equal("ban", decision.GetProperty("type").GetString());
        Assert.Equal("palisade", decision.GetProperty("origin").GetString());
        Assert.Matches(@"^\d+h\d+m\d+s$", decision.GetProperty("duration").GetString());
        Assert.Equal(Fnv1a("45.33.90.1"), decision.GetProperty("id").GetInt64());

        var quiet = await StreamAsync(startup: false);
        Assert.Equal(JsonValueKind.Null, quiet.GetProperty("new").ValueKind);
        Assert.Equal(JsonValueKind.Null, quiet.GetProperty("deleted").ValueKind);

        await ListAsync("45.33.90.2");
        Assert.Equal(["45.33.90.2"], Values((await StreamAsync(startup: false)).GetProperty("new")));

        // Whitelisting takes an address off the list: the bouncer is told to delete it.
        _host.Service<WhitelistProvider>().SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.33.90.1/32"), "ours", 0, "operator")]);
        var after = await StreamAsync(startup: false);
        Assert.Equal(["45.33.90.1"], Values(after.GetProperty("deleted")));
        Assert.Equal(Fnv1a("45.33.90.1"), after.GetProperty("deleted")[0].GetProperty("id").GetInt64()); // the id it was sent with
        Assert.Equal(["45.33.90.2"], Values((await StreamAsync(startup: true)).GetProperty("new")));
    }

    [Fact]
    public async Task Addresses_below_the_threshold_are_not_decisions()
    {
        var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("free"));
        Assert.Equal(HttpStatusCode.OK, (await reporter.PostJsonAsync("/v1/key/report", new { ip = "45.33.90.3", category = "port_scan" })).StatusCode);
        Assert.DoesNotContain("45.33.90.3", Values((await StreamAsync(startup: true)).GetProperty("new")));
        Assert.Equal("null", await (await _bouncer.GetAsync("/v1/decisions?ip=45.33.90.3")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Query_mode_answers_an_array_or_null()
    {
        await ListAsync("45.33.91.5");
        var hit = await _bouncer.GetAsync("/v1/decisions?ip=45.33.91.5");
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal(["45.33.91.5"], Values(await hit.JsonAsync()));
        Assert.Equal(["45.33.91.5"], Values(await (await _bouncer.GetAsync("/v1/decisions?scope=ip&value=45.33.91.5")).JsonAsync()));
        Assert.Equal(["45.33.91.5"], Values(await (await _bouncer.GetAsync("/v1/decisions?range=45.33.91.0/24&contains=false")).JsonAsync()));
        Assert.Equal("null", await (await _bouncer.GetAsync("/v1/decisions?range=45.33.91.0/24")).Content.ReadAsStringAsync());
        Assert.Equal("null", await (await _bouncer.GetAsync("/v1/decisions?ip=45.33.91.6")).Content.ReadAsStringAsync());
        Assert.Equal("null", await (await _bouncer.GetAsync("/v1/decisions?ip=45.33.91.5&type=captcha")).Content.ReadAsStringAsync());
        var bad = await _bouncer.GetAsync("/v1/decisions?ip=banana");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False(string.IsNullOrEmpty((await bad.JsonAsync()).GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await _bouncer.GetAsync("/v1/decisions/stream?startup=maybe")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk_free_wrongwrongwrongwrongwrongwrong12")]
    public async Task Missing_or_wrong_key_is_403_access_forbidden(string? key)
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        foreach (var path in new[] { "/v1/decisions/stream?startup=true", "/v1/decisions?ip=45.33.90.9" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("access forbidden", (await response.JsonAsync()).GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Stream_is_charged_per_new_decision_from_the_blacklist_quota()
    {
        await ListAsync("45.33.92.1");
        await ListAsync("45.33.92.2");
        var bouncer = Bouncer(await _host.CreateKeyAsync("professional", new Dictionary<QuotaFamily, long> { [QuotaFamily.Blacklist] = 3 }));
        var first = await bouncer.GetAsync("/v1/decisions/stream?startup=true");
        Assert.Equal("2", first.Header("X-Daily-Used"));
        Assert.Equal("1", first.Header("X-Blacklist-Remaining"));
        var quiet = await bouncer.GetAsync("/v1/decisions/stream?startup=false");
        Assert.Equal("1", quiet.Header("X-Blacklist-Remaining"));
        Assert.Equal(HttpStatusCode.OK, (await bouncer.GetAsync("/v1/decisions/stream?startup=true")).StatusCode);
        var refused = await bouncer.GetAsync("/v1/decisions/stream?startup=true");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(long.Parse(refused.Header("Retry-After")) >= 1);
    }
    /// <summary>The startup stream as a client sees it: plain, or with <c>Accept-Encoding: gzip</c> (as Go bouncers send),
    /// decompressed here; asserts the encoding headers that go with each.</summary>
    private async Task<string> StartupTextAsync(bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/decisions/stream?startup=true");
        if (gzip)
        {
            request.Headers.AcceptEncoding.ParseAdd("gzip");
        }

        using var response = await _bouncer.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        if (!gzip)
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        await using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(unzip);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Startup_stream_is_gzipped_for_clients_that_accept_it_and_says_the_same()
    {
        await ListAsync("45.33.93.1");
        await ListAsync("2a01:4f8:93::1");
        var plainText = await StartupTextAsync(gzip: false);
        var unzipped = await StartupTextAsync(gzip: true);
        Assert.Equal(plainText, unzipped);

        using var b = JsonDocument.Parse(unzipped);
        Assert.Equal(JsonValueKind.Null, b.RootElement.GetProperty("deleted").ValueKind);
        var values = Values(b.RootElement.GetProperty("new"));
        Assert.Contains("45.33.93.1", values);
        Assert.Contains("2a01:4f8:93::1", values);
        foreach (var decision in b.RootElement.GetProperty("new").EnumerateArray())
        {
            Assert.Matches(@"^\d+h\d+m\d+s$", decision.GetProperty("duration").GetString());
            Assert.StartsWith("palisade/", decision.GetProperty("scenario").GetString(), StringComparison.Ordinal);
            Assert.False(decision.GetProperty("simulated").GetBoolean());
        }

        // Byte for byte what the live lookup answers for the same address (the clock stands still, so durations agree).
        foreach (var address in new[] { "45.33.93.1", "2a01:4f8:93::1" })
        {
            var streamed = b.RootElement.GetProperty("new").EnumerateArray().Single(d => d.GetProperty("value").GetString() == address);
            var live = await (await _bouncer.GetAsync("/v1/decisions?ip=" + address)).Content.ReadAsStringAsync();
            Assert.Equal("[" + streamed.GetRawText() + "]", live);
        }
    }

    [Fact]
    public async Task Startup_stream_after_a_new_decision_holds_it_gzipped_and_plain()
    {
        await ListAsync("45.33.95.1");
        Assert.Contains("45.33.95.1", NewValues(await StartupTextAsync(gzip: true)));

        // The compressed answer was cached; a new decision must not be served from that cache.
        await ListAsync("45.33.95.2");
        var unzipped = await StartupTextAsync(gzip: true);
        var values = NewValues(unzipped);
        Assert.Contains("45.33.95.1", values);
        Assert.Contains("45.33.95.2", values);
        Assert.Equal(await StartupTextAsync(gzip: false), unzipped);

        // Leaving the list (whitelisted) shows in the next compressed answer too.
        _host.Service<WhitelistProvider>().SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.33.95.1/32"), "ours", 0, "operator")]);
        Assert.DoesNotContain("45.33.95.1", NewValues(await StartupTextAsync(gzip: true)));
        Assert.Equal("null", await (await _bouncer.GetAsync("/v1/decisions?ip=45.33.95.1")).Content.ReadAsStringAsync());
        Assert.Equal(["45.33.95.2"], Values(await (await _bouncer.GetAsync("/v1/decisions?ip=45.33.95.2")).JsonAsync()));
    }

    [Fact]
    public async Task Range_answers_are_charged_per_decision_to_the_blacklist_quota_and_bounded_by_plan()
    {
        await ListAsync("45.33.94.1");
        await ListAsync("45.33.94.2");
        var bouncer = Bouncer(await _host.CreateKeyAsync("professional", new Dictionary<QuotaFamily, long> { [QuotaFamily.Blacklist] = 3 }));

        var both = await bouncer.GetAsync("/v1/decisions?range=45.33.94.0/24&contains=false");
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal(["45.33.94.1", "45.33.94.2"], Values(await both.JsonAsync()).Order(StringComparer.Ordinal));
        Assert.Equal("1", both.Header("X-Blacklist-Remaining"));

        // Cut at what remains, as the stream is; then refused.
        var cut = await bouncer.GetAsync("/v1/decisions?range=45.33.94.0/24&contains=false");
        Assert.Single(Values(await cut.JsonAsync()));
        Assert.Equal("0", cut.Header("X-Blacklist-Remaining"));
        var refused = await bouncer.GetAsync("/v1/decisions?range=45.33.94.0/24&contains=false");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // A live lookup is a check, not a piece of the list: still answered.
        Assert.Equal(["45.33.94.1"], Values(await (await bouncer.GetAsync("/v1/decisions?ip=45.33.94.1")).JsonAsync()));

        // Wider than the plan allows: refused before any work, nothing charged.
        var free = Bouncer(await _host.CreateKeyAsync("free"));
        var wide = await free.GetAsync("/v1/decisions?range=45.33.0.0/16&contains=false");
        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
        Assert.Contains("/24", (await wide.JsonAsync()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await bouncer.GetAsync("/v1/decisions?range=0.0.0.0/0&contains=false")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _bouncer.GetAsync("/v1/decisions?range=45.33.0.0/16&contains=false")).StatusCode);
    }
}
