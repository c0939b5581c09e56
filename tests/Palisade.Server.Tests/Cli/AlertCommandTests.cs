using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Alerts;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cli;

/// <summary>The real <c>palisade</c> binary's ip-alert, cidr-alert, username-alert and email-alert commands against a running server.</summary>
public sealed class AlertCommandTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("professional");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunWithKeyAsync(string key, params string[] arguments)
        => PalisadeProcess.RunAsync([.. arguments, "--server", _host.BaseAddress.ToString().TrimEnd('/'), "--key", key]);

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) => RunWithKeyAsync(_key, arguments);

    private async Task<JsonElement[]> ApiListAsync(string path)
    {
        using var client = _host.ClientWithKey(_key);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("alerts").EnumerateArray()];
    }

    [Theory]
    [InlineData("ip-alert", "ip-alerts", "ip", "45.33.32.9")]
    [InlineData("cidr-alert", "range-alerts", "cidr", "45.33.32.0/24")]
    [InlineData("username-alert", "username-alerts", "username", "admin")]
    [InlineData("email-alert", "email-alerts", "email", "ops@example.org")]
    public async Task Add_list_and_delete_an_alert_of_each_kind(string command, string path, string field, string target)
    {
        var added = await RunAsync(command, "add", target, "--label", "office");
        Assert.True(added.ExitCode == 0, added.Stderr);
        var stored = Assert.Single(await ApiListAsync($"/v1/key/{path}"));
        var id = stored.AlertId();
        Assert.Equal(target, stored.GetProperty(field).GetString());
        Assert.Equal("office", stored.GetProperty("label").GetString());
        Assert.Equal($"Alert #{id} \"office\" created: watching {field} {target}.", added.Stdout.Trim());

        var listed = await RunAsync(command, "list");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var row = Assert.Single(listed.Stdout.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, $@"^{id}\s+{System.Text.RegularExpressions.Regex.Escape(target)}\s+yes\s"));
        Assert.Contains("office", row, StringComparison.Ordinal);
        Assert.Contains("never", row, StringComparison.Ordinal);
        Assert.Contains("1 " + field + " alert(s).", listed.Stdout, StringComparison.Ordinal);

        var json = await RunAsync(command, "list", "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var alert = Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal(id, alert.AlertId());

        var deleted = await RunAsync(command, "delete", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal($"Alert #{id} deleted.", deleted.Stdout.Trim());
        Assert.Empty(await ApiListAsync("/v1/key/alerts"));

        var empty = await RunAsync(command);
        Assert.Equal(0, empty.ExitCode);
        Assert.Contains($"No {field} alerts.", empty.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_with_json_prints_the_servers_alert_and_each_command_sees_only_its_kind()
    {
        var added = await RunAsync("cidr-alert", "add", "45.33.40.0/28", "--json");
        Assert.True(added.ExitCode == 0, added.Stderr);
        var created = JsonDocument.Parse(added.Stdout).RootElement;
        Assert.Equal("45.33.40.0/28", created.GetProperty("cidr").GetString());
        Assert.Equal("45.33.40.0", created.GetProperty("networkAddress").GetString());
        Assert.Equal(28, created.GetProperty("prefixLength").GetInt32());

        var ips = await RunAsync("ip-alert", "list", "--json");
        Assert.Equal(0, ips.ExitCode);
        Assert.Empty(JsonDocument.Parse(ips.Stdout).RootElement.GetProperty("alerts").EnumerateArray());

        // A range alert's id is not an IP alert: the server says so and nothing is deleted.
        var id = created.AlertId().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var wrongKind = await RunAsync("ip-alert", "delete", id);
        Assert.Equal(1, wrongKind.ExitCode);
        Assert.Contains("No alert with this id", wrongKind.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, wrongKind.Stdout);
        Assert.Single(await ApiListAsync("/v1/key/range-alerts"));
    }

    [Fact]
    public async Task Bad_input_is_refused_locally_and_server_refusals_get_their_exit_codes()
    {
        // Refused locally: the server named is unreachable, so exit 2 (not 5) proves no request was attempted.
        var unreachable = $"http://127.0.0.1:{Alerts.FreePort.Lasting()}";
        foreach (var arguments in new[]
                 {
                     new[] { "ip-alert", "add", "10.0.0.7" },
                     ["ip-alert", "add", "999.1.1.1"],
                     ["cidr-alert", "add", "45.33.32.5/28"],
                     ["email-alert", "add", "nobody"],
                     ["username-alert", "add", ""],
                     ["ip-alert", "delete", "abc"],
                     ["ip-alert", "delete", "0"],
                     ["ip-alert", "add"],
                     ["cidr-alert", "frobnicate"],
                     ["email-alert", "list", "extra"],
                 })
        {
            var refused = await PalisadeProcess.RunAsync([.. arguments, "--server", unreachable, "--key", _key]);
            Assert.True(refused.ExitCode == 2, $"{string.Join(' ', arguments)} → {refused.ExitCode}: {refused.Stderr}");
            Assert.NotEqual(string.Empty, refused.Stderr.Trim());
            Assert.DoesNotContain(_key, refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }

        var missing = await RunAsync("email-alert", "delete", "999999");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("HTTP 404", missing.Stderr, StringComparison.Ordinal);

        var free = await _host.CreateKeyAsync();
        var tooWide = await RunWithKeyAsync(free, "cidr-alert", "add", "45.33.32.0/24");
        Assert.Equal(1, tooWide.ExitCode);
        Assert.Contains("widest IPv4 range is /28", tooWide.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await RunWithKeyAsync(free, "cidr-alert", "add", "45.33.32.0/28")).ExitCode);
        var overLimit = await RunWithKeyAsync(free, "cidr-alert", "add", "45.33.33.0/28");
        Assert.Equal(1, overLimit.ExitCode);
        Assert.Contains("HTTP 409", overLimit.Stderr, StringComparison.Ordinal);
        Assert.Contains("allows 1 cidr alert", overLimit.Stderr, StringComparison.Ordinal);

        var badKey = await RunWithKeyAsync("sk_free_not_a_key", "ip-alert", "list");
        Assert.Equal(3, badKey.ExitCode);
        Assert.DoesNotContain("sk_free_not_a_key", badKey.Stderr, StringComparison.Ordinal);
        Assert.Empty(await ApiListAsync("/v1/key/alerts"));
    }
}
