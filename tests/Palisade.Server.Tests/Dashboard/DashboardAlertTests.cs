using System.Net;
using Palisade.Core.Alerts;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>The alerts page over plain HTTP: create through the form, refuse bad input, only the owner deletes.</summary>
public sealed class DashboardAlertTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Alerts_are_created_listed_validated_and_deleted_only_by_their_owner()
    {
        using var alice = new DashboardClient(_host.BaseAddress);
        await alice.SignUpAsync(_host, "alice@example.org", Password);
        var (keyId, secret) = await alice.CreateKeyAsync("alerts-key");
        var key = keyId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var bad = await alice.SubmitAsync("/dashboard/alerts", "/dashboard/alerts", new() { ["key"] = key, ["kind"] = "ip", ["target"] = "not-an-ip" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Empty(await _host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None));

        var created = await alice.SubmitAsync("/dashboard/alerts", "/dashboard/alerts",
            new() { ["key"] = key, ["kind"] = "ip", ["target"] = "45.33.32.9", ["label"] = "db server", ["minScore"] = "20" });
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var page = await alice.PageAsync("/dashboard/alerts");
        Assert.Contains("45.33.32.9", page, StringComparison.Ordinal);
        Assert.Contains("db server", page, StringComparison.Ordinal);
        // The same alert over the native API, for the key that owns it.
        using var api = _host.ClientWithKey(secret);
        var listed = await (await api.GetAsync("/v1/key/alerts")).JsonAsync();
        Assert.Contains("45.33.32.9", listed.GetRawText(), StringComparison.Ordinal);
        var alertId = (await _host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None)).Single().Id;

        using var mallory = new DashboardClient(_host.BaseAddress);
        await mallory.SignUpAsync(_host, "mallory@example.org", Password);
        Assert.DoesNotContain("45.33.32.9", await mallory.PageAsync("/dashboard/alerts"), StringComparison.Ordinal);
        var stolen = await mallory.SubmitAsync("/dashboard/alerts", $"/dashboard/alerts/{alertId}/delete", []);
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Single(await _host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None));

        var deleted = await alice.SubmitAsync("/dashboard/alerts", $"/dashboard/alerts/{alertId}/delete", []);
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Empty(await _host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None));
    }

    [Fact]
    public async Task Alert_changes_stop_at_the_accounts_daily_limit()
    {
        await using var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp, "--Palisade:Dashboard:AlertChangesPerDay=2"]);
        using var user = new DashboardClient(host.BaseAddress);
        await user.SignUpAsync(host, "looper@example.org", Password);
        var (keyId, _) = await user.CreateKeyAsync("loop-key");
        var form = new Dictionary<string, string> { ["key"] = keyId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kind"] = "ip", ["target"] = "45.33.32.9" };

        Assert.Equal(HttpStatusCode.SeeOther, (await user.SubmitAsync("/dashboard/alerts", "/dashboard/alerts", form)).StatusCode);
        var alertId = (await host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None)).Single().Id;
        Assert.Equal(HttpStatusCode.SeeOther, (await user.SubmitAsync("/dashboard/alerts", $"/dashboard/alerts/{alertId}/delete", [])).StatusCode);

        var refused = await user.SubmitAsync("/dashboard/alerts", "/dashboard/alerts", form);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("2 alert changes a day", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await host.Service<IAlertStore>().ListByKeyAsync(keyId, CancellationToken.None));
    }

    [Fact]
    public async Task Ip_page_needs_a_session_and_answers_bad_addresses_with_400()
    {
        using var anonymous = new DashboardClient(_host.BaseAddress);
        var redirect = await anonymous.GetAsync("/dashboard/ip/45.33.32.9");
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal("/dashboard/signin", redirect.Headers.Location?.OriginalString);

        using var user = new DashboardClient(_host.BaseAddress);
        await user.SignUpAsync(_host, "viewer@example.org", Password);
        var bad = await user.GetAsync("/dashboard/ip/999.1.1.1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var unknown = await user.PageAsync("/dashboard/ip/45.33.32.10");
        Assert.Contains("id=\"no-reports\"", unknown, StringComparison.Ordinal);
        Assert.Contains("id=\"score\">0<", unknown, StringComparison.Ordinal);
    }
}
