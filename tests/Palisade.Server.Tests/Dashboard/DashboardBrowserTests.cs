using System.Net;
using Microsoft.Playwright;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>The dashboard in a real browser against a real server: what a user clicks through, end to end.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private const string Address = "45.33.32.77";
    private PalisadeHost _host = null!;
    private DashboardBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        _browser = await DashboardBrowser.LaunchAsync(_host.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Sign_up_create_a_key_report_with_it_inspect_the_address_export_the_blacklist_and_revoke()
    {
        var page = await _browser.Context.NewPageAsync();
        var cspViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                cspViolations.Add(message.Text); // something on the page that the CSP blocked (inline script or style)
            }
        };

        // Sign up through the operator's invitation link.
        await page.GotoAsync(await _host.InviteAsync());
        await page.FillAsync("#email", "ops@example.org");
        await page.FillAsync("#password", "a long enough password");
        await page.FillAsync("#confirm", "a long enough password");
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#create-key");
        Assert.Contains("ops@example.org", await page.InnerTextAsync("header"), StringComparison.Ordinal);

        // Create a key: its secret is shown once, and gone after a reload.
        await page.FillAsync("#key-name", "web-01");
        await page.ClickAsync("#create-key button");
        var secret = (await page.InnerTextAsync("#new-key-secret")).Trim();
        Assert.StartsWith("sk_free_", secret, StringComparison.Ordinal);
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#keys");
        Assert.Equal(0, await page.Locator("#new-key-secret").CountAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        // Use the key over the HTTP API; the overview counts the report against today's quota.
        using var api = _host.ClientWithKey(secret);
        var report = await api.PostJsonAsync("/v1/key/report", new { ip = Address, category = "brute_force", protocol = "ssh", comment = "sshd: 40 failed logins" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        await page.ReloadAsync();
        Assert.StartsWith("1 / ", await page.InnerTextAsync("#keys td.usage[data-family='report']"), StringComparison.Ordinal);

        // The address's page: score, chart, the report.
        await page.FillAsync("form.lookup input[name=address]", Address);
        await page.ClickAsync("form.lookup button");
        await page.WaitForSelectorAsync("#score");
        Assert.EndsWith("/dashboard/ip/" + Address, page.Url, StringComparison.Ordinal);
        var score = int.Parse(await page.InnerTextAsync("#score"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(score, 1, 100);
        Assert.Equal(score, (await (await api.GetAsync("/v1/key/check/" + Address)).JsonAsync()).GetProperty("confidenceLevel").GetInt32());
        var todaysBar = page.Locator("#timeline-chart rect.bar").Last;
        Assert.Equal("1", await todaysBar.GetAttributeAsync("data-value"));
        var reportRow = await page.InnerTextAsync("#reports tr.report");
        Assert.Contains("sshd: 40 failed logins", reportRow, StringComparison.Ordinal);
        Assert.Contains("ssh", reportRow, StringComparison.Ordinal);

        // Blacklist export: the histogram counts the address in its bucket; the plaintext download lists it and is charged.
        await page.GotoAsync("/dashboard/blacklist?scoreMinimum=0");
        var bucket = page.Locator($"#score-histogram rect.bar").Nth(Math.Min(9, score / 10));
        Assert.Equal("1", await bucket.GetAttributeAsync("data-value"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#downloads button[data-format='plaintext']"));
        var path = await download.PathAsync();
        Assert.Contains(Address, (await File.ReadAllTextAsync(path)).Split('\n', StringSplitOptions.TrimEntries));
        await page.GotoAsync("/dashboard");
        Assert.StartsWith("1 / ", await page.InnerTextAsync("#keys td.usage[data-family='blacklist']"), StringComparison.Ordinal);

        // Revoke: the API refuses the key from then on.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#keys button.revoke");
        await page.WaitForSelectorAsync("#keys tr.revoked");
        var refused = await api.GetAsync("/v1/key/status");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(cspViolations);
    }
}
