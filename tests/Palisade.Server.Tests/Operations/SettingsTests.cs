using System.Net;
using Microsoft.Extensions.Options;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

/// <summary>
/// The options tree (docs/configuration.md): every area's settings come from configuration under <c>Palisade:</c>, are
/// read when used rather than when routes are mapped, and an invalid value stops the server at start with a message
/// naming the setting.
/// </summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("--Palisade:CrowdSec:MinimumScore=101", "Palisade:CrowdSec:MinimumScore")]
    [InlineData("--Palisade:Taxii:MaxPageSize=0", "Palisade:Taxii:MaxPageSize")]
    [InlineData("--Palisade:Taxii:DefaultPageSize=5000", "Palisade:Taxii:DefaultPageSize")]
    [InlineData("--Palisade:Taxii:Validity=4000.00:00:00", "Palisade:Taxii:Validity")]
    [InlineData("--Palisade:Alerts:MaxAttempts=0", "Palisade:Alerts:MaxAttempts")]
    [InlineData("--Palisade:Smtp:Security=Tls", "Palisade:Smtp:Security")]
    [InlineData("--Palisade:Metrics:StoreCheckInterval=00:00:00", "Palisade:Metrics:StoreCheckInterval")]
    [InlineData("--Palisade:Tiers:gold:Limits:cheks=10", "Palisade:Tiers:gold:Limits:cheks")]
    [InlineData("--Palisade:Tiers:gold:Features:0=teleport", "Palisade:Tiers:gold:Features")]
    [InlineData("--Palisade:Reputation:ReportRetentionDays=0", "Palisade:Reputation:ReportRetentionDays")]
    [InlineData("--Palisade:MaxRequestBodyBytes=10", "Palisade:MaxRequestBodyBytes")]
    public async Task An_invalid_setting_stops_the_start_with_a_message_naming_it(string argument, string setting)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PalisadeHost.StartAsync(args: [argument]));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CrowdSec_threshold_comes_from_configuration()
    {
        // One report scores far below the default threshold (75): a decision only when the threshold is lowered.
        foreach (var (args, expectDecision) in new[] { (Array.Empty<string>(), false), (["--Palisade:CrowdSec:MinimumScore=1"], true) })
        {
            await using var host = await PalisadeHost.StartAsync(args: args);
            using var reporter = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
            Assert.Equal(HttpStatusCode.OK, (await reporter.PostJsonAsync("/v1/key/report", new { ip = "45.33.92.4", category = "brute_force" })).StatusCode);
            using var bouncer = new HttpClient { BaseAddress = host.BaseAddress };
            bouncer.DefaultRequestHeaders.Add("X-Api-Key", await host.CreateKeyAsync("enterprise"));
            var answer = await bouncer.GetAsync("/v1/decisions?ip=45.33.92.4");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadAsStringAsync();
            if (expectDecision)
            {
                Assert.Contains("\"value\":\"45.33.92.4\"", body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("null", body);
            }
        }
    }

    [Theory]
    [InlineData("--Palisade:PublicBaseUrl=https://palisade.example.net/")]
    [InlineData("--Palisade:Taxii:PublicBaseUrl=https://palisade.example.net")] // the older TAXII-only spelling, still read
    public async Task TAXII_discovery_uses_the_one_public_base_url(string argument)
    {
        await using var host = await PalisadeHost.StartAsync(args: [argument]);
        var discovery = await (await host.Client.GetAsync("/taxii2/")).JsonAsync();
        Assert.Equal("https://palisade.example.net/taxii2/palisade/", discovery.GetProperty("default").GetString());
    }

    [Fact]
    public async Task Without_a_public_base_url_TAXII_discovery_is_relative()
    {
        await using var host = await PalisadeHost.StartAsync();
        var discovery = await (await host.Client.GetAsync("/taxii2/")).JsonAsync();
        Assert.Equal("/taxii2/palisade/", discovery.GetProperty("default").GetString());
    }
}
