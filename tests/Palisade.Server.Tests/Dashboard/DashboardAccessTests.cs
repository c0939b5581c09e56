using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>
/// The signed-in part of the dashboard as one guarded group, sessions that end on sign-out, per-account key names and
/// limits, downloads that need the antiforgery token, and the metered address page.
/// </summary>
public sealed class DashboardAccessTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    // Reachable without a session. Everything else, including pages added later, must send the visitor to sign in.
    private static readonly string[] PublicRoutes = ["/dashboard/assets/{name}", "/dashboard/signup", "/dashboard/signin", "/dashboard/verify"];

    private PalisadeHost _host = null!;

    public async Task InitializeAsync()
        => _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp, "--Palisade:Dashboard:IpLookupsPerDay=3"]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Every_dashboard_route_but_sign_in_sign_up_and_assets_sends_a_signed_out_visitor_to_sign_in()
    {
        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "owner@example.org", Password);
        var (keyId, _) = await user.CreateKeyAsync("web-01");
        // The same visitor after signing out: the cookie it kept must not open anything either.
        var stale = new DashboardClient(_host.BaseAddress);
        stale.Cookies.Add(user.Cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.SeeOther, (await user.SubmitAsync("/dashboard", "/dashboard/signout", [])).StatusCode);

        var routes = ((IEndpointRouteBuilder)_host.App).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimEnd('/').StartsWith("/dashboard", StringComparison.Ordinal))
            .Where(e => !PublicRoutes.Contains(e.RoutePattern.RawText!.TrimEnd('/')))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, e.RoutePattern.RawText!)))
            .ToList();
        Assert.True(routes.Count >= 11, $"only {routes.Count} signed-in routes found");
        using var anonymous = new DashboardClient(_host.BaseAddress);
        foreach (var (method, pattern) in routes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", keyId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var client in new[] { anonymous, stale })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "sneaky" });
                }

                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{method} {path}: {(int)response.StatusCode}");
                Assert.Equal("/dashboard/signin", response.Headers.Location?.OriginalString);
            }
        }

        Assert.Single(await KeyIdsAsync("owner@example.org"));
        stale.Dispose();
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_for_every_copy_of_the_cookie()
    {
        using var browser = new DashboardClient(_host.BaseAddress);
        await browser.SignUpAsync(_host, "alice@example.org", Password);
        using var laptop = new DashboardClient(_host.BaseAddress);
        Assert.Equal(HttpStatusCode.SeeOther, (await laptop.SignInAsync("alice@example.org", Password)).StatusCode);
        using var copy = new DashboardClient(_host.BaseAddress);
        copy.Cookies.Add(browser.Cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/dashboard")).StatusCode);

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SubmitAsync("/dashboard", "/dashboard/signout", [])).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await copy.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await laptop.GetAsync("/dashboard")).StatusCode);
        // Signing in again works.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("alice@example.org", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task Key_names_are_per_account_and_a_taken_name_is_a_409_not_a_500()
    {
        using var alice = new DashboardClient(_host.BaseAddress);
        await alice.SignUpAsync(_host, "alice@example.org", Password);
        using var bob = new DashboardClient(_host.BaseAddress);
        await bob.SignUpAsync(_host, "bob@example.org", Password);

        await alice.CreateKeyAsync("web-01");
        await bob.CreateKeyAsync("web-01"); // another account's name says nothing about alice's
        var again = await alice.SubmitAsync("/dashboard", "/dashboard/keys", new() { ["name"] = "web-01" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already have a key named", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await KeyIdsAsync("alice@example.org"));
        Assert.Equal(2, (await _host.Service<IKeyStore>().ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Concurrent_key_creations_never_pass_the_20_key_limit_or_duplicate_a_name()
    {
        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "racer@example.org", Password);
        var sameName = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => user.SubmitAsync("/dashboard", "/dashboard/keys", new() { ["name"] = "dup" })));
        Assert.Single(sameName, r => r.StatusCode == HttpStatusCode.SeeOther);
        Assert.All(sameName.Where(r => r.StatusCode != HttpStatusCode.SeeOther), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));

        var many = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            user.SubmitAsync("/dashboard", "/dashboard/keys", new() { ["name"] = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        Assert.Equal(19, many.Count(r => r.StatusCode == HttpStatusCode.SeeOther));
        Assert.All(many.Where(r => r.StatusCode != HttpStatusCode.SeeOther), r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(20, (await KeyIdsAsync("racer@example.org")).Count);
        Assert.Equal(20, (await _host.Service<IKeyStore>().ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_download_spends_quota_only_as_a_post_carrying_the_antiforgery_token()
    {
        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "ops@example.org", Password);
        var (keyId, secret) = await user.CreateKeyAsync("exporter");
        using var api = _host.ClientWithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await api.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.99", category = "brute_force" })).StatusCode);
        var listed = false;
        for (var i = 0; i < 100 && !listed; i++)
        {
            listed = (await user.PageAsync("/dashboard/blacklist?scoreMinimum=0")).Contains(">1 address(es) in the list", StringComparison.Ordinal);
            await Task.Delay(listed ? 0 : 100);
        }

        Assert.True(listed, "the reported address never entered the blocklist snapshot");
        var action = $"/dashboard/blacklist/download?key={keyId}&format=plaintext&scoreMinimum=0";

        // What another site can make a signed-in browser do: a GET (link, image) or a form POST without the token.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await user.GetAsync(action)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await user.PostWithoutTokenAsync(action, [])).StatusCode);
        Assert.Equal(0, await BlacklistUsedAsync(keyId));

        var page = await user.PageAsync("/dashboard/blacklist?scoreMinimum=0");
        Assert.Contains("action=\"/dashboard/blacklist/download?key=" + keyId, page, StringComparison.Ordinal);
        var download = await user.SubmitAsync("/dashboard/blacklist?scoreMinimum=0", action, []);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.StartsWith("attachment;", download.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Contains("45.33.32.99", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await BlacklistUsedAsync(keyId));
    }

    [Fact]
    public async Task The_address_page_is_metered_per_account_per_day()
    {
        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "viewer@example.org", Password);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/dashboard/ip/45.33.32." + (10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode);
        }

        var refused = await user.GetAsync("/dashboard/ip/45.33.32.20");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("3 address pages a day", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Another account has its own allowance.
        using var other = new DashboardClient(_host.BaseAddress);
        await other.SignUpAsync(_host, "other@example.org", Password);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/dashboard/ip/45.33.32.20")).StatusCode);
    }

    private async Task<IReadOnlyList<long>> KeyIdsAsync(string email)
    {
        var users = _host.Service<SqlDashboardUserStore>();
        var user = await users.FindByEmailAsync(email, CancellationToken.None);
        return await users.KeyIdsAsync(user!.Id, CancellationToken.None);
    }

    private async Task<long> BlacklistUsedAsync(long keyId)
        => (await _host.Service<IQuotaCounter>().PeekAsync(keyId, QuotaFamily.Blacklist, null, _host.Service<IClock>().UtcNow)).Used;
}
