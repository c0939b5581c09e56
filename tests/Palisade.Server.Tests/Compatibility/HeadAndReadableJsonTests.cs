using System.Net;
using Palisade.Server.Tests.AbuseIpdb;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Compatibility;

/// <summary>
/// CrowdSec's HEAD probes (issue 13, item 10) and readable UTF-8 in API JSON (item 15): an apostrophe, a dash or a ×
/// is written as itself, not as <c>\u0027</c>, which clients print verbatim.
/// </summary>
public sealed class HeadAndReadableJsonTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/v1/decisions")]
    [InlineData("/v1/decisions/stream")]
    public async Task Head_on_the_decision_paths_is_200_with_a_good_key_and_403_with_a_bad_one(string path)
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var good = new HttpRequestMessage(HttpMethod.Head, path);
        good.Headers.Add("X-Api-Key", await _host.CreateKeyAsync("professional"));
        var ok = await client.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Empty(await ok.Content.ReadAsByteArrayAsync());

        using var bad = new HttpRequestMessage(HttpMethod.Head, path);
        bad.Headers.Add("X-Api-Key", "sk_professional_not_a_key");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(bad)).StatusCode);
    }

    [Fact]
    public async Task Messages_and_score_details_are_readable_utf8()
    {
        using var sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        Assert.Equal(HttpStatusCode.OK, (await sensor.PostJsonAsync("/v1/key/report",
            new { ip = "45.33.65.1", category = "brute_force", protocol = "ssh", username = "o'brien" })).StatusCode);
        using var client = _host.ClientWithKey(await _host.CreateKeyAsync("professional"));
        var check = await (await client.GetAsync("/v1/key/check/45.33.65.1")).Content.ReadAsStringAsync();
        Assert.Contains("Login attempts as 'o'brien'", check, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", check, StringComparison.Ordinal);

        var alert = await client.PostJsonAsync("/v1/key/alerts", new { ip = "45.33.65.2", label = "Bob's × office" });
        var alertText = await alert.Content.ReadAsStringAsync();
        Assert.Contains("\"Bob's × office\"", alertText, StringComparison.Ordinal);

        var abuse = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
        var refused = await abuse.PostFormAsync("/api/v2/report", ("ip", "45.33.65.3"), ("categories", "x"));
        var refusedText = await refused.Content.ReadAsStringAsync();
        Assert.Contains("ids 1–23; 'x' is not", refusedText, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", refusedText, StringComparison.Ordinal);
    }
}
