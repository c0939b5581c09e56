using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Faces;

/// <summary>Absolute links in answers (AbuseIPDB's nextPageUrl) come from configuration or the server's own address,
/// never from the request's Host header.</summary>
public sealed class PublicBaseUrlTests
{
    private static async Task<string> NextPageUrlAsync(PalisadeHost host)
    {
        var key = await host.CreateKeyAsync("enterprise");
        for (var i = 0; i < 2; i++)
        {
            using var own = host.ClientWithKey(await host.CreateKeyAsync("honeypot"));
            Assert.Equal(HttpStatusCode.OK, (await own.PostJsonAsync("/v1/key/report", new { ip = "45.33.85.1", category = "ddos" })).StatusCode);
        }

        using var client = Face.AbuseIpdb.Client(host.BaseAddress, key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/reports?ipAddress=45.33.85.1&perPage=1");
        request.Headers.Host = "attacker.example";
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("data").GetProperty("nextPageUrl").GetString()!;
    }

    [Fact]
    public async Task NextPageUrl_ignores_the_Host_header()
    {
        await using var host = await PalisadeHost.StartAsync();
        var next = await NextPageUrlAsync(host);
        Assert.DoesNotContain("attacker.example", next, StringComparison.Ordinal);
        Assert.StartsWith($"http://127.0.0.1:{host.BaseAddress.Port}/api/v2/reports?", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextPageUrl_uses_the_configured_public_base_url()
    {
        await using var host = await PalisadeHost.StartAsync(configure: o => o.PublicBaseUrl = "https://palisade.example.net/");
        Assert.StartsWith("https://palisade.example.net/api/v2/reports?", await NextPageUrlAsync(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_setting_stops_the_server_from_starting_with_a_message_naming_it()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => PalisadeHost.StartAsync(configure: o => o.PublicBaseUrl = "palisade.example.net"));
        Assert.Contains("Palisade:PublicBaseUrl", error.Message, StringComparison.Ordinal);
    }
}
