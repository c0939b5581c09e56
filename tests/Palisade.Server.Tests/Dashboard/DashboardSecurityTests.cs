using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>Plain HTTP tests of the dashboard's protections (real server, real cookies, real antiforgery).</summary>
public sealed class DashboardSecurityTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Post_without_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var anonymous = new DashboardClient(_host.BaseAddress);
        var signUp = await anonymous.PostWithoutTokenAsync("/dashboard/signup",
            new() { ["email"] = "forged@example.org", ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.BadRequest, signUp.StatusCode);
        Assert.Contains("antiforgery", await signUp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // No account was made: signing in with it fails.
        var signIn = await anonymous.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "forged@example.org", ["password"] = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);

        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "owner@example.org", Password);
        var create = await user.PostWithoutTokenAsync("/dashboard/keys", new() { ["name"] = "forged-key" });
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        var overview = await user.PageAsync("/dashboard");
        Assert.DoesNotContain("forged-key", overview, StringComparison.Ordinal);
        Assert.Contains("No keys yet", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_repeated_failures_are_limited_per_address()
    {
        using var owner = new DashboardClient(_host.BaseAddress);
        await owner.SignUpAsync(_host, "alice@example.org", Password);

        using var guesser = new DashboardClient(_host.BaseAddress);
        var wrong = await guesser.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "alice@example.org", ["password"] = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Wrong e-mail address or password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await guesser.GetAsync("/dashboard")).StatusCode); // not signed in: sent to the sign-in page

        var right = await guesser.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "ALICE@example.org", ["password"] = Password });
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync("/dashboard")).StatusCode);

        // Ten failures from one address (the default) block that address, even for the right password.
        using var attacker = new DashboardClient(_host.BaseAddress);
        for (var i = 0; i < 9; i++)
        {
            var guess = await attacker.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "alice@example.org", ["password"] = "guess-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        var blocked = await attacker.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "alice@example.org", ["password"] = Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Contains("Too many failed sign-ins", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_sign_up_refuses_new_accounts()
    {
        await using var host = await PalisadeHost.StartAsync(args: ["--Palisade:Dashboard:SignUp=closed"]);
        using var client = new DashboardClient(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/signup")).StatusCode);
        var signIn = await client.PageAsync("/dashboard/signin");
        Assert.DoesNotContain("/dashboard/signup", signIn, StringComparison.Ordinal);
        var post = await client.SubmitAsync("/dashboard/signin", "/dashboard/signup",
            new() { ["email"] = "new@example.org", ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var tryIt = await client.SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = "new@example.org", ["password"] = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, tryIt.StatusCode);
    }

    [Fact]
    public async Task The_session_scheme_is_not_a_default_so_api_requests_never_run_it()
    {
        // A lone authentication scheme would otherwise become the default, and every check, report and blocklist
        // request would go through the cookie handler first.
        var schemes = _host.Service<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.NotNull(await schemes.GetSchemeAsync(Palisade.Server.Dashboard.DashboardSession.Scheme));
    }

    [Fact]
    public async Task Dashboard_pages_carry_security_headers_and_a_locked_down_session_cookie()
    {
        using var client = new DashboardClient(_host.BaseAddress);
        var page = await client.GetAsync("/dashboard/signin");
        Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // no inline script: the CSP would block it
        Assert.Contains("<script src=\"/dashboard/assets/dashboard.js", html, StringComparison.Ordinal);
        var script = await client.GetAsync("/dashboard/assets/dashboard.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("DOMContentLoaded", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var invite = await _host.InviteAsync();
        var signUp = await client.SubmitAsync(invite, "/dashboard/signup", new()
        {
            ["invite"] = invite[(invite.IndexOf('=', StringComparison.Ordinal) + 1)..], ["email"] = "headers@example.org", ["password"] = Password,
            ["confirm"] = Password,
        });
        var session = signUp.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("palisade_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session, StringComparison.Ordinal);
        Assert.Contains("path=/dashboard", session, StringComparison.Ordinal);
        Assert.Equal("DENY", signUp.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task One_user_cannot_see_or_revoke_another_users_keys()
    {
        using var alice = new DashboardClient(_host.BaseAddress);
        await alice.SignUpAsync(_host, "alice@example.org", Password);
        var (aliceKeyId, aliceSecret) = await alice.CreateKeyAsync("alice-web-01");

        using var mallory = new DashboardClient(_host.BaseAddress);
        await mallory.SignUpAsync(_host, "mallory@example.org", Password);
        var overview = await mallory.PageAsync("/dashboard");
        Assert.DoesNotContain("alice-web-01", overview, StringComparison.Ordinal);
        Assert.DoesNotContain(aliceSecret, overview, StringComparison.Ordinal);

        var revoke = await mallory.SubmitAsync("/dashboard", $"/dashboard/keys/{aliceKeyId}/revoke", []);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        using var api = _host.ClientWithKey(aliceSecret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/key/status")).StatusCode);
        var download = await mallory.SubmitAsync("/dashboard/blacklist", $"/dashboard/blacklist/download?key={aliceKeyId}&format=plaintext", []);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);

        // Alice can revoke it, and the API refuses the key at once.
        var own = await alice.SubmitAsync("/dashboard", $"/dashboard/keys/{aliceKeyId}/revoke", []);
        Assert.Equal(HttpStatusCode.SeeOther, own.StatusCode);
        var refused = await api.GetAsync("/v1/key/status");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // the native API answers a revoked key 403 (an unknown one 401)
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
