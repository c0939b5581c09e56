using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_and_readyz_answer_200_when_the_store_is_there()
    {
        await using var host = await PalisadeHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Readyz_is_503_while_the_database_is_gone_and_recovers()
    {
        await using var host = await PalisadeHost.StartAsync();
        await using (await TestBackend.OutageAsync(host.DataDirectory))
        {
            var response = await host.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("error", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/readyz")).StatusCode);
    }
}
