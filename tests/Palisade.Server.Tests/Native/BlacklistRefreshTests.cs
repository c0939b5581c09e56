using System.Net;
using Palisade.Core.Blocklists;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

/// <summary>Decaying scores move without new data: the server builds the list right after start and rebuilds it at each
/// score refresh interval by itself, so the first firewall to pull afterwards does not wait for every address to be scored.</summary>
public sealed class BlacklistRefreshTests
{
    [Fact]
    public async Task The_snapshot_is_built_after_start_and_rebuilt_in_the_background_when_the_score_interval_turns()
    {
        await using var host = await PalisadeHost.StartAsync(configure: o => o.Reputation.ScoreRefreshInterval = TimeSpan.FromSeconds(2));
        using var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.41.1", category = "brute_force", protocol = "ssh" })).StatusCode);
        var engine = host.Service<BlocklistEngine>();

        // Built a second after start without any list being asked for: the first pull after a restart does not wait.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.Latest is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.NotNull(engine.Latest);
        var first = engine.Latest.Generation;
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.Latest!.Generation == first && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(engine.Latest.Generation > first, "no rebuild without a request within 10 s at a 2 s interval");
    }
}
