using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>The sensors page: each of the user's sensors with its last heartbeat, today's events per protocol and top usernames.</summary>
public sealed class DashboardSensorsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_users_sensors_are_listed_for_that_user_only_with_attacker_text_escaped()
    {
        using var alice = new DashboardClient(_host.BaseAddress);
        await alice.SignUpAsync(_host, "alice@example.org", Password);
        var (_, secret) = await alice.CreateKeyAsync("edge");
        Assert.Contains("id=\"no-sensors\"", await alice.PageAsync("/dashboard/sensors"), StringComparison.Ordinal);

        var beat = await _host.ClientWithKey(secret).PostJsonAsync("/v1/key/sensor/heartbeat", new
        {
            sensor = "edge-vm-1",
            listeners = new[] { "ssh:2222" },
            eventsToday = new Dictionary<string, long> { ["ssh"] = 41, ["telnet"] = 7 },
            topUsernames = new[] { new { username = "root", count = 30 }, new { username = "<script>alert(1)</script>", count = 2 } },
            queued = 0,
        });
        Assert.Equal(HttpStatusCode.OK, beat.StatusCode);

        var page = await alice.PageAsync("/dashboard/sensors");
        Assert.Contains("data-sensor=\"edge-vm-1\"", page, StringComparison.Ordinal);
        Assert.Contains("ssh 41, telnet 7", page, StringComparison.Ordinal);
        Assert.Contains("root (30)", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/sensors\"", page, StringComparison.Ordinal);

        using var bob = new DashboardClient(_host.BaseAddress);
        await bob.SignUpAsync(_host, "bob@example.org", Password);
        var other = await bob.PageAsync("/dashboard/sensors");
        Assert.DoesNotContain("edge-vm-1", other, StringComparison.Ordinal);

        using var anonymous = new DashboardClient(_host.BaseAddress);
        var redirect = await anonymous.GetAsync("/dashboard/sensors");
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
    }
}
