using System.Globalization;
using System.Net;
using Palisade.Server.Tests.Dashboard;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary>
/// Dashboard sign-in limits on two nodes sharing PostgreSQL and Redis: guesses spread over the nodes meet one limit (not
/// one per node), the lock-out holds on every node even for the right password, and with Redis stopped sign-in is
/// refused with a clear 503, never let through unmetered.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SignInLimitClusterTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private const string TrustLoopback = "--Palisade:ForwardedHeaders:TrustedProxies=127.0.0.1,::1";

    // One clock for both nodes, so the lock-out can be passed without waiting.
    private readonly MutableClock _clock = new(DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture));
    private PalisadeHost _nodeA = null!;
    private PalisadeHost _nodeB = null!;

    public async Task InitializeAsync()
    {
        var connection = await ClusterEnvironment.FreshDatabaseAsync();
        var prefix = "signin:" + Guid.NewGuid().ToString("N")[..8] + ":";
        _nodeA = await StartNodeAsync(connection, prefix);
        _nodeB = await StartNodeAsync(connection, prefix);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }

    private Task<PalisadeHost> StartNodeAsync(string connection, string prefix) => PalisadeHost.StartAsync(clock: _clock, configure: options =>
    {
        options.Postgres = connection;
        options.Redis = ClusterEnvironment.Redis + ",connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000";
        options.RedisKeyPrefix = prefix;
    }, args: [PalisadeHost.InviteSignUp, TrustLoopback]);

    [Fact]
    public async Task Guesses_spread_over_two_nodes_meet_one_limit_and_the_right_password_waits_for_the_lockout()
    {
        using (var owner = new DashboardClient(_nodeA.BaseAddress))
        {
            await owner.SignUpAsync(_nodeA, "alice@example.org", Password);
        }

        // Twelve guesses from one /64 against a limit of 10, alternating nodes (6 + 6): ten are checked, then refused on both.
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var node = i % 2 == 0 ? _nodeA : _nodeB;
            using var guesser = new DashboardClient(node.BaseAddress, "2001:db8:7:7::" + (i + 1).ToString("x", CultureInfo.InvariantCulture));
            answers.Add((await guesser.SignInAsync("alice@example.org", "guess " + i.ToString(CultureInfo.InvariantCulture))).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), answers);

        // The right password from that network is refused on either node until the lock-out passes.
        foreach (var node in new[] { _nodeA, _nodeB })
        {
            using var rightful = new DashboardClient(node.BaseAddress, "2001:db8:7:7::ff");
            var refused = await rightful.SignInAsync("alice@example.org", Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromMinutes(15), refused.Headers.RetryAfter?.Delta);
        }

        _clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        using var after = new DashboardClient(_nodeB.BaseAddress, "2001:db8:7:7::ff");
        Assert.Equal(HttpStatusCode.SeeOther, (await after.SignInAsync("alice@example.org", Password)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_guesses_on_two_nodes_cannot_race_past_the_limit()
    {
        using (var owner = new DashboardClient(_nodeA.BaseAddress))
        {
            await owner.SignUpAsync(_nodeA, "bob@example.org", Password);
        }

        // Twenty guesses at once from one network at one account, half on each node: exactly the limit is checked.
        var clients = Enumerable.Range(0, 20).Select(i => new DashboardClient((i % 2 == 0 ? _nodeA : _nodeB).BaseAddress, "2001:db8:9:9::1")).ToList();
        var answers = await Task.WhenAll(clients.Select((c, i) => c.SignInAsync("bob@example.org", "guess " + i.ToString(CultureInfo.InvariantCulture))));
        clients.ForEach(c => c.Dispose());
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task With_Redis_stopped_sign_in_is_refused_with_503_and_works_again_after()
    {
        using (var owner = new DashboardClient(_nodeA.BaseAddress))
        {
            await owner.SignUpAsync(_nodeA, "carol@example.org", Password);
        }

        using var client = new DashboardClient(_nodeB.BaseAddress, "198.51.100.20");
        try
        {
            await ClusterEnvironment.StopRedisAsync();
            var refused = await client.SignInAsync("carol@example.org", Password);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("Sign-in is unavailable for a moment", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
                c => c.StartsWith("palisade_session=", StringComparison.Ordinal));
        }
        finally
        {
            await ClusterEnvironment.StartRedisAsync();
        }

        // Redis back: the node reconnects by itself (polled, not timed).
        var status = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline;)
        {
            status = (await client.SignInAsync("carol@example.org", Password)).StatusCode;
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.SeeOther, status);
    }
}
