using System.Globalization;
using System.Net;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Access;

public sealed class QuotaTests
{
    private static Dictionary<QuotaFamily, long> Limit(QuotaFamily family, long value) => new() { [family] = value };

    [Fact]
    public async Task Check_quota_admits_its_limit_then_429_with_retry_after_and_headers()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Check, 3)));
        for (var i = 1; i <= 3; i++)
        {
            var ok = await client.GetAsync("/v1/key/check/45.33.32.156");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Header("X-Daily-Limit"));
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), ok.Header("X-Daily-Used"));
            Assert.Equal((3 - i).ToString(CultureInfo.InvariantCulture), ok.Header("X-Daily-Remaining"));
            Assert.Equal((3 - i).ToString(CultureInfo.InvariantCulture), ok.Header("X-RateLimit-Remaining"));
            Assert.Equal("3", ok.Header("X-RateLimit-Limit"));
        }

        var refused = await client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("quota", (await refused.JsonAsync()).GetProperty("error").GetString());
        var retryAfter = long.Parse(refused.Header("Retry-After"), CultureInfo.InvariantCulture);
        var secondsToMidnight = (DateTimeOffset.UtcNow.Date.AddDays(1) - DateTime.UtcNow).TotalSeconds;
        Assert.InRange(retryAfter, 1, Math.Ceiling(secondsToMidnight) + 1);
        var reset = long.Parse(refused.Header("X-RateLimit-Reset"), CultureInfo.InvariantCulture);
        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1)).ToUnixTimeSeconds(), reset);
        Assert.Equal("0", refused.Header("X-Daily-Remaining"));
    }

    [Fact]
    public async Task Report_responses_carry_the_report_pair()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Report, 5)));
        var response = await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.10", category = "ddos" });
        Assert.Equal("5", response.Header("X-Report-Limit"));
        Assert.Equal("4", response.Header("X-Report-Remaining"));
        Assert.Equal("1", response.Header("X-Daily-Used"));
        Assert.Equal("4", response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Families_are_counted_separately()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Check, 1)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.11", category = "ddos" })).StatusCode);
    }

    [Fact]
    public async Task Parallel_requests_never_over_admit()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Check, 37)));
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/v1/key/check/45.33.32.156")));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests,
            $"{(int)r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
        Assert.Equal(37, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(163, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Parallel_reports_never_over_admit()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Report, 10)));
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client.PostJsonAsync("/v1/key/report", new { ip = $"45.33.33.{i + 1}", category = "ddos" })));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Counters_survive_a_restart()
    {
        var host = await PalisadeHost.StartAsync();
        host.KeepData();
        var key = await host.CreateKeyAsync(limits: Limit(QuotaFamily.Check, 5));
        var client = host.ClientWithKey(key);
        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync("/v1/key/check/45.33.32.156");
        }

        await host.DisposeAsync();

        await using var restarted = await PalisadeHost.StartAsync(host.DataDirectory);
        var again = restarted.ClientWithKey(key);
        var response = await again.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal("4", response.Header("X-Daily-Used"));
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await again.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
    }

    [Fact]
    public async Task Quota_resets_at_midnight_utc()
    {
        var clock = new MutableClock(new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero));
        await using var host = await PalisadeHost.StartAsync(clock: clock);
        var client = host.ClientWithKey(await host.CreateKeyAsync(limits: Limit(QuotaFamily.Check, 1)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
        var refused = await client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Header("Retry-After"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
    }

    [Fact]
    public async Task Unlimited_tiers_are_never_refused_and_say_so_in_headers()
    {
        await using var host = await PalisadeHost.StartAsync();
        var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
        var response = await client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(int.MaxValue.ToString(CultureInfo.InvariantCulture), response.Header("X-Daily-Limit"));
    }
}
