using System.Globalization;
using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>
/// Sign-in limits per IPv6 /64 and per account, that concurrent guesses cannot race past, with a lock-out that grows;
/// and client addresses and HTTPS taken from X-Forwarded-* only when the proxy is a configured trusted one.
/// </summary>
public sealed class DashboardSignInLimitTests
{
    private const string Password = "correct horse battery";
    private const string TrustLoopback = "--Palisade:ForwardedHeaders:TrustedProxies=127.0.0.1,::1";

    [Fact]
    public async Task Failures_count_per_ipv6_64_and_per_account_and_a_lockout_doubles()
    {
        var clock = new MutableClock(DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture));
        await using var host = await PalisadeHost.StartAsync(clock: clock, args: [PalisadeHost.InviteSignUp, TrustLoopback]);
        using (var owner = new DashboardClient(host.BaseAddress))
        {
            await owner.SignUpAsync(host, "alice@example.org", Password);
        }

        // Ten different addresses of one /64, each guessing a different (unknown) account: the /64 is locked out.
        for (var i = 1; i <= 10; i++)
        {
            using var guesser = new DashboardClient(host.BaseAddress, "2001:db8:1:1::" + i.ToString("x", CultureInfo.InvariantCulture));
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync($"nobody{i}@example.org", "wrong password " + i)).StatusCode);
        }

        using (var sameNetwork = new DashboardClient(host.BaseAddress, "2001:db8:1:1:ffff::99"))
        {
            var blocked = await sameNetwork.SignInAsync("alice@example.org", Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
            Assert.Equal(TimeSpan.FromMinutes(15), blocked.Headers.RetryAfter?.Delta);
        }

        using (var otherNetwork = new DashboardClient(host.BaseAddress, "2001:db8:1:2::1"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await otherNetwork.SignInAsync("alice@example.org", Password)).StatusCode);
        }

        // Ten guesses at one account from ten networks: the account is locked out, from anywhere.
        for (var i = 1; i <= 10; i++)
        {
            using var guesser = new DashboardClient(host.BaseAddress, "2001:db8:" + (100 + i).ToString(CultureInfo.InvariantCulture) + "::1");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("alice@example.org", "guess number " + i)).StatusCode);
        }

        using var elsewhere = new DashboardClient(host.BaseAddress, "2001:db8:200::1");
        var locked = await elsewhere.SignInAsync("alice@example.org", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);

        // After the lock-out the account may try again; ten more failures lock it out twice as long.
        clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 1; i <= 10; i++)
        {
            using var guesser = new DashboardClient(host.BaseAddress, "2001:db8:" + (300 + i).ToString(CultureInfo.InvariantCulture) + "::1");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("alice@example.org", "again " + i)).StatusCode);
        }

        var longer = await elsewhere.SignInAsync("alice@example.org", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, longer.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(30), longer.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Concurrent_guesses_cannot_race_past_the_limit()
    {
        await using var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        using (var owner = new DashboardClient(host.BaseAddress))
        {
            await owner.SignUpAsync(host, "alice@example.org", Password);
        }

        var clients = Enumerable.Range(0, 30).Select(_ => new DashboardClient(host.BaseAddress)).ToList();
        var answers = await Task.WhenAll(clients.Select((c, i) => c.SignInAsync("alice@example.org", "guess " + i.ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized)); // checked: exactly the limit
        Assert.Equal(20, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_password_longer_than_the_cap_never_matches()
    {
        await using var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        var password = "correct horse battery staple and then some words ".PadRight(256, 'x');
        using var owner = new DashboardClient(host.BaseAddress);
        await owner.SignUpAsync(host, "alice@example.org", password[..256]);
        using var other = new DashboardClient(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SignInAsync("alice@example.org", password[..256] + new string('y', 100_000))).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await other.SignInAsync("alice@example.org", password[..256])).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_from_a_trusted_proxy()
    {
        // Trusted: the session cookie is Secure when the proxy saw HTTPS, and limits see the forwarded client address.
        await using (var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp, TrustLoopback]))
        {
            using var tls = new DashboardClient(host.BaseAddress, "203.0.113.7");
            await tls.SignUpAsync(host, "tls@example.org", Password);
            using var proxied = new DashboardClient(host.BaseAddress, "203.0.113.7");
            var signIn = await proxied.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "tls@example.org", ["password"] = Password }, "https");
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
            var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("palisade_session=", StringComparison.Ordinal));
            Assert.Contains("secure", cookie.ToLowerInvariant(), StringComparison.Ordinal);

            for (var i = 0; i < 10; i++)
            {
                using var guesser = new DashboardClient(host.BaseAddress, "198.51.100.9");
                Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("u" + i.ToString(CultureInfo.InvariantCulture) + "@example.org", "nope nope nope")).StatusCode);
            }

            using var blocked = new DashboardClient(host.BaseAddress, "198.51.100.9");
            Assert.Equal(HttpStatusCode.TooManyRequests, (await blocked.SignInAsync("tls@example.org", Password)).StatusCode);
            using var another = new DashboardClient(host.BaseAddress, "198.51.100.10");
            Assert.Equal(HttpStatusCode.SeeOther, (await another.SignInAsync("tls@example.org", Password)).StatusCode);
        }

        // Not configured: the headers are anyone's to send, so they are ignored (no Secure over plain HTTP, one client).
        await using (var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]))
        {
            using var spoofer = new DashboardClient(host.BaseAddress, "203.0.113.7");
            await spoofer.SignUpAsync(host, "plain@example.org", Password);
            using var spoofed = new DashboardClient(host.BaseAddress, "203.0.113.7");
            var signIn = await spoofed.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "plain@example.org", ["password"] = Password }, "https");
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
            Assert.DoesNotContain(signIn.Headers.GetValues("Set-Cookie"), c => c.ToLowerInvariant().Contains("secure", StringComparison.Ordinal));
            for (var i = 0; i < 10; i++)
            {
                using var guesser = new DashboardClient(host.BaseAddress, "198.51.100." + i.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("u" + i.ToString(CultureInfo.InvariantCulture) + "@example.org", "nope nope nope")).StatusCode);
            }

            using var rotated = new DashboardClient(host.BaseAddress, "192.0.2.1");
            Assert.Equal(HttpStatusCode.TooManyRequests, (await rotated.SignInAsync("plain@example.org", Password)).StatusCode);
        }
    }

    [Fact]
    public async Task A_trusted_proxy_setting_that_is_not_an_address_stops_the_start_and_names_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => PalisadeHost.StartAsync(args: ["--Palisade:ForwardedHeaders:TrustedProxies=10.0.0.0/8, proxy.local"]));
        Assert.Contains("Palisade:ForwardedHeaders:TrustedProxies", error.Message, StringComparison.Ordinal);
        Assert.Contains("proxy.local", error.Message, StringComparison.Ordinal);
    }
}
