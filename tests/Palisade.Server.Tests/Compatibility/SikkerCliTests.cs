using System.Text.Json;
using System.Text.RegularExpressions;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Taxii;

namespace Palisade.Server.Tests.Compatibility;

/// <summary>
/// SikkerAPI's official CLI against Palisade (issue 13, items 1–4): the alert commands decode the answers, the alert
/// limit and a spent TAXII quota are shown with the server's own message; <c>sikker email</c> (item 2) shows e-mail intelligence.
/// </summary>
public sealed partial class SikkerCliTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [GeneratedRegex(@"ID:\s+(\d+)")]
    private static partial Regex IdLine();

    [Theory]
    [InlineData("ip-alert", "45.33.32.9")]
    [InlineData("cidr-alert", "45.33.32.0/24")]
    [InlineData("username-alert", "admin")]
    [InlineData("email-alert", "ops@example.org")]
    public async Task Alert_commands_create_list_and_delete(string command, string target)
    {
        var key = await _host.CreateKeyAsync("professional");
        var created = await SikkerCli.RunAsync(_host, key, command, target, "-l", "office");
        Assert.True(created.ExitCode == 0, created.Stdout + created.Stderr);
        var id = IdLine().Match(created.Stdout);
        Assert.True(id.Success, "create prints the new alert's id: " + created.Stdout);

        var listed = await SikkerCli.RunAsync(_host, key, command, "list");
        Assert.True(listed.ExitCode == 0, listed.Stdout + listed.Stderr);
        Assert.Contains(target, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains(id.Groups[1].Value, listed.Stdout, StringComparison.Ordinal);

        var json = await SikkerCli.RunAsync(_host, key, command, "list", "--json");
        var alert = Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(id.Groups[1].Value, alert.GetProperty("id").GetString());

        var deleted = await SikkerCli.RunAsync(_host, key, command, "delete", id.Groups[1].Value);
        Assert.True(deleted.ExitCode == 0, deleted.Stdout + deleted.Stderr);
        var after = await SikkerCli.RunAsync(_host, key, command, "list", "--json");
        Assert.Empty(JsonDocument.Parse(after.Stdout).RootElement.GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task Email_shows_what_reports_named_and_says_when_none_did()
    {
        var key = await _host.CreateKeyAsync("professional");
        var reporter = _host.ClientWithKey(key);
        foreach (var ip in new[] { "45.33.77.1", "45.33.77.2" })
        {
            var report = await reporter.PostJsonAsync("/v1/key/report", new { ip, category = "spam", protocol = "smtp", email = "Target@Example.org" });
            Assert.Equal(System.Net.HttpStatusCode.OK, report.StatusCode);
        }

        var shown = await SikkerCli.RunAsync(_host, key, "email", "target@example.org");
        Assert.True(shown.ExitCode == 0, shown.Stdout + shown.Stderr);
        Assert.Contains("\"target@example.org\" — 2 messages", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("First seen:", shown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", shown.Stdout, StringComparison.OrdinalIgnoreCase);

        var json = await SikkerCli.RunAsync(_host, key, "email", "TARGET@example.org", "--json");
        Assert.True(json.ExitCode == 0, json.Stdout + json.Stderr);
        var body = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("target@example.org", body.GetProperty("email").GetString());
        Assert.Equal(2, body.GetProperty("totalMessages").GetInt64());
        Assert.True(body.GetProperty("lastSeenAt").GetInt64() >= body.GetProperty("firstSeenAt").GetInt64());

        var unknown = await SikkerCli.RunAsync(_host, key, "email", "nobody@example.org");
        Assert.True(unknown.ExitCode == 0, unknown.Stdout + unknown.Stderr);
        Assert.Contains("not found", unknown.Stdout + unknown.Stderr, StringComparison.OrdinalIgnoreCase);
        var unknownJson = await SikkerCli.RunAsync(_host, key, "email", "nobody@example.org", "--json");
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(unknownJson.Stdout).RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task The_alert_limit_is_shown_with_the_servers_message()
    {
        var key = await _host.CreateKeyAsync("free");
        Assert.Equal(0, (await SikkerCli.RunAsync(_host, key, "cidr-alert", "45.33.32.0/28")).ExitCode);
        var refused = await SikkerCli.RunAsync(_host, key, "cidr-alert", "45.33.33.0/28");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("allows 1 cidr alert", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("disabled or expired", refused.Stderr, StringComparison.Ordinal);
        var listed = await SikkerCli.RunAsync(_host, key, "cidr-alert", "list", "--json");
        Assert.Single(JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task A_spent_taxii_quota_is_shown_with_the_servers_message()
    {
        var data = await TaxiiTestData.CreateAsync(_host);
        await data.ReportAsync("81.10.0.5");
        var key = await _host.CreateKeyAsync("business", new Dictionary<QuotaFamily, long> { [QuotaFamily.Taxii] = 1 });
        var first = await SikkerCli.RunAsync(_host, key, "taxii", "get", "81.10.0.5");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("81.10.0.5", first.Stdout, StringComparison.Ordinal);

        var spent = await SikkerCli.RunAsync(_host, key, "taxii", "get", "81.10.0.5");
        Assert.Equal(1, spent.ExitCode);
        Assert.Contains("The daily TAXII quota of 1 indicators is used up", spent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("rate limited", spent.Stderr, StringComparison.Ordinal);
    }
}
