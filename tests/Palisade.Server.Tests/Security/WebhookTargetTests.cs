using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>Webhook targets that reach a private, loopback or link-local address through an IPv6 form that embeds it.</summary>
public sealed class WebhookTargetTests
{
    [Theory]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/")] // NAT64 of 169.254.169.254
    [InlineData("http://[64:ff9b::7f00:1]:9/hook")] // NAT64 of 127.0.0.1
    [InlineData("http://[64:ff9b:1::a00:1]/hook")] // NAT64 local-use prefix
    [InlineData("http://[2002:a9fe:a9fe::1]/hook")] // 6to4 of 169.254.169.254
    [InlineData("http://[2002:c0a8:10a::1]/hook")] // 6to4 of 192.168.1.10
    [InlineData("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook")] // Teredo, client 127.0.0.1
    [InlineData("http://[2001:0:a00:1:8000:63bf:3fb9:9bfe]/hook")] // Teredo, server 10.0.0.1
    [InlineData("http://[::ffff:a9fe:a9fe]/hook")] // IPv4-mapped
    [InlineData("http://[::a9fe:a9fe]/hook")] // IPv4-compatible
    public async Task Embedded_private_addresses_are_refused_with_400_and_nothing_is_created(string url)
    {
        await using var host = await PalisadeHost.StartAsync();
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        var response = await client.PostRawAsync("/v1/key/alerts", $$"""{"ip":"45.33.32.9","webhookUrl":"{{url}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("private, loopback", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var list = await (await client.GetAsync("/v1/key/alerts")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("45.33.32.9", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_ipv6_target_is_still_accepted()
    {
        await using var host = await PalisadeHost.StartAsync();
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        var response = await client.PostRawAsync("/v1/key/alerts", """{"ip":"45.33.32.9","webhookUrl":"https://[2a00:1450:4001:80b::200e]/hook"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
