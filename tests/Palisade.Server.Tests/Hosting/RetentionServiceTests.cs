using System.Net;
using Palisade.Core.Reputation;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Hosting;

/// <summary>The retention purge runs on its interval by itself (on a thread of its own: on a one-core server a purge on
/// the thread pool held the only worker), and what it drops is gone from the answers.</summary>
public sealed class RetentionServiceTests
{
    [Fact]
    public async Task The_purge_runs_on_its_interval_without_a_request_and_drops_what_is_past_retention()
    {
        var clock = new MutableClock(DateTimeOffset.UtcNow);
        await using var host = await PalisadeHost.StartAsync(clock: clock, configure: o => o.RetentionInterval = TimeSpan.FromMilliseconds(300));
        using var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.42.1", category = "brute_force", protocol = "ssh" })).StatusCode);
        var index = host.Service<ReputationIndex>();
        var job = host.Service<RetentionJob>();
        Assert.NotNull(index.Find("45.33.42.1"));

        // Past both retention windows (30 days by default): the next run drops the address and its report.
        clock.Advance(TimeSpan.FromDays(31));
        var runsBefore = job.Runs;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((job.Runs <= runsBefore || index.Find("45.33.42.1") is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(job.Runs > runsBefore, "no purge ran within 20 s at a 300 ms interval");
        Assert.Null(index.Find("45.33.42.1"));
        var check = await (await client.GetAsync("/v1/key/check/45.33.42.1")).JsonAsync();
        Assert.Equal(0, check.GetProperty("confidenceLevel").GetInt32());
    }
}
