using System.Text.Json;
using System.Text.RegularExpressions;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Taxii;

namespace Palisade.Server.Tests.Compatibility;

/// <summary>
/// SikkerAPI's official CLI against Palisade (issue 13, items 1–4): the alert commands decode the answers, the alert
/// limit and a spent TAXII quota are shown with the server's own message.
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
