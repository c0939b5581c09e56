using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// <c>format=iptables-restore</c> / <c>ip6tables-restore</c> (issue 13, item 16): checked and loaded by the real
/// iptables-restore and ip6tables-restore in a private network namespace, from the API, the CLI and the updater script.
/// </summary>
public sealed class IptablesRestoreTests : IAsyncLifetime
{
    private static readonly string[] V4 = ["45.33.50.1", "45.33.50.2", "198.199.70.3"];
    private static readonly string[] V6 = ["2600:3c00::50", "2a03:b0c0::1"];
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;
    private string _key = null!;
    private string _scratch = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("enterprise");
        _client = _host.ClientWithKey(_key);
        _scratch = Directory.CreateTempSubdirectory("palisade-iptr-").FullName;
        foreach (var ip in V4.Concat(V6))
        {
            Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync("/v1/key/report", new { ip, category = "port_scan", protocol = "tcp" })).StatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private async Task<string> DownloadAsync(string format, string extra = "")
    {
        var path = Path.Combine(_scratch, format + Guid.NewGuid().ToString("N")[..6] + ".rules");
        var response = await _client.GetAsync($"/v1/key/blacklist?scoreMinimum=0&format={format}{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    private static string[] Sources(string rules)
        => [.. rules.Split('\n').Where(l => l.StartsWith("-A PALISADE -s ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[3].Split('/')[0]).Select(a => IPAddress.Parse(a).ToString()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Both_files_pass_the_real_test_and_load_twice_replacing_the_chain()
    {
        var v4 = await DownloadAsync("iptables-restore");
        var v6 = await DownloadAsync("ip6tables-restore");
        var (code, stdout, stderr) = await ToolRunner.InPrivateNetworkAsync(
            $"iptables-restore --test --noflush < '{v4}' && ip6tables-restore --test --noflush < '{v6}' && " +
            $"iptables-restore --noflush < '{v4}' && iptables-restore --noflush < '{v4}' && ip6tables-restore --noflush < '{v6}' && " +
            $"iptables -S PALISADE > '{_scratch}/s4' && ip6tables -S PALISADE > '{_scratch}/s6'");
        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(V4.Order(StringComparer.Ordinal), Sources(await File.ReadAllTextAsync(Path.Combine(_scratch, "s4"))));
        Assert.Equal(V6.Select(a => IPAddress.Parse(a).ToString()).Order(StringComparer.Ordinal), Sources(await File.ReadAllTextAsync(Path.Combine(_scratch, "s6"))));
    }

    [Fact]
    public async Task A_family_the_format_cannot_hold_is_refused()
    {
        var response = await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0&format=iptables-restore&ipVersion=6");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ip6tables-restore", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_updater_loads_both_families_hooks_input_once_and_a_second_run_replaces_the_lists()
    {
        var v4 = await DownloadAsync("iptables-restore");
        var v6 = await DownloadAsync("ip6tables-restore");
        var smaller = await DownloadAsync("iptables-restore", "&limit=1");
        var script = ToolRunner.Integration("iptables/palisade-iptables-update.sh");
        var (code, stdout, stderr) = await ToolRunner.InPrivateNetworkAsync(
            $"PALISADE_LIST_URL_V4='file://{v4}' PALISADE_LIST_URL_V6='file://{v6}' sh '{script}' && " +
            $"PALISADE_LIST_URL_V4='file://{smaller}' PALISADE_LIST_URL_V6='file://{v6}' sh '{script}' && " +
            $"iptables -S > '{_scratch}/all4' && ip6tables -S > '{_scratch}/all6'");
        Assert.True(code == 0, stderr + stdout);
        var all4 = await File.ReadAllTextAsync(Path.Combine(_scratch, "all4"));
        Assert.Single(Sources(all4));
        Assert.Single(all4.Split('\n'), l => l == "-A INPUT -j PALISADE");
        var all6 = await File.ReadAllTextAsync(Path.Combine(_scratch, "all6"));
        Assert.Equal(V6.Length, Sources(all6).Length);
        Assert.Single(all6.Split('\n'), l => l == "-A INPUT -j PALISADE");
    }

    [Fact]
    public async Task The_cli_writes_a_file_iptables_restore_accepts()
    {
        var output = Path.Combine(_scratch, "cli.rules");
        var (code, _, stderr) = await PalisadeProcess.RunAsync(["blacklist", "--format", "iptables-restore", "--score-minimum", "0", "--output", output,
            "--server", _host.BaseAddress.ToString().TrimEnd('/'), "--key", _key]);
        Assert.True(code == 0, stderr);
        var (test, stdout, testError) = await ToolRunner.InPrivateNetworkAsync($"iptables-restore --test --noflush < '{output}'");
        Assert.True(test == 0, testError + stdout);
        Assert.Equal(V4.Order(StringComparer.Ordinal), Sources(await File.ReadAllTextAsync(output)));
    }
}
