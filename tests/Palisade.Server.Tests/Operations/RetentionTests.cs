using Palisade.Core.Reputation;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

public sealed class RetentionTests
{
    [Fact]
    public async Task Old_reports_and_inactive_addresses_are_purged_idempotently()
    {
        var clock = new MutableClock(DateTimeOffset.UtcNow);
        var host = await PalisadeHost.StartAsync(clock: clock);
        host.KeepData();
        var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
        await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.30", category = "ddos" });
        clock.Advance(TimeSpan.FromDays(20));
        await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.31", category = "ddos" });
        clock.Advance(TimeSpan.FromDays(11));

        var job = host.Service<RetentionJob>();
        var first = await job.RunAsync(CancellationToken.None);
        Assert.Equal(1, first.ReportsDeleted);
        Assert.Equal(1, first.AddressesDropped);
        var second = await job.RunAsync(CancellationToken.None);
        Assert.Equal(0, second.ReportsDeleted);
        Assert.Equal(0, second.AddressesDropped);

        Assert.False((await (await client.GetAsync("/v1/key/check/45.33.32.30")).JsonAsync()).GetProperty("found").GetBoolean());
        Assert.True((await (await client.GetAsync("/v1/key/check/45.33.32.31")).JsonAsync()).GetProperty("found").GetBoolean());
        await host.DisposeAsync();

        // After a restart the purged report stays gone (the store was purged, not only memory).
        await using var restarted = await PalisadeHost.StartAsync(host.DataDirectory, clock);
        var again = restarted.ClientWithKey(await restarted.CreateKeyAsync("enterprise"));
        Assert.False((await (await again.GetAsync("/v1/key/check/45.33.32.30")).JsonAsync()).GetProperty("found").GetBoolean());
        Assert.True((await (await again.GetAsync("/v1/key/check/45.33.32.31")).JsonAsync()).GetProperty("found").GetBoolean());
    }
}
