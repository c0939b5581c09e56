using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>The ipset and nftables renderings, loaded by the real tools in a private network namespace.</summary>
public sealed class FirewallFormatTests : IAsyncLifetime
{
    private static readonly string[] V4 = ["45.33.50.1", "45.33.50.2", "198.199.70.3"];
    private static readonly string[] V6 = ["2600:3c00::50", "2a03:b0c0::1"];
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;
    private string _scratch = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
        _scratch = Directory.CreateTempSubdirectory("palisade-fw-").FullName;
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

    private async Task<string> DownloadAsync(string format)
    {
        var path = Path.Combine(_scratch, format + ".txt");
        await File.WriteAllBytesAsync(path, await _client.GetByteArrayAsync($"/v1/key/blacklist?scoreMinimum=0&format={format}"));
        return path;
    }

    private static string[] Members(string ipsetSave, string set)
        => [.. ipsetSave.Split('\n').Where(l => l.StartsWith($"add {set} ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Ipset_file_loads_with_ipset_restore_and_the_sets_hold_exactly_the_listed_addresses()
    {
        var file = await DownloadAsync("ipset");
        var (code, stdout, stderr) = await ToolRunner.InPrivateNetworkAsync($"ipset restore < '{file}' && ipset restore < '{file}' && ipset save");
        Assert.True(code == 0, stderr);
        Assert.Equal(V4.Order(StringComparer.Ordinal), Members(stdout, "palisade-v4"));
        Assert.Equal(V6.Order(StringComparer.Ordinal), Members(stdout, "palisade-v6"));
        Assert.Contains("timeout", stdout.Split('\n').First(l => l.StartsWith("add palisade-v4 ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nftables_file_loads_with_nft_and_replaces_its_table_on_reload()
    {
        var file = await DownloadAsync("nftables");
        var (code, stdout, stderr) = await ToolRunner.InPrivateNetworkAsync(
            $"nft -f '{file}' && nft -f '{file}' && nft list set inet palisade blocklist_v4 && nft list set inet palisade blocklist_v6 && nft list chain inet palisade input");
        Assert.True(code == 0, stderr);
        foreach (var ip in V4.Concat(V6))
        {
            Assert.Contains(ip, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("ip saddr @blocklist_v4 drop", stdout, StringComparison.Ordinal);
        Assert.Equal(V4.Length + V6.Length, stdout.Split([',', '{', '}', '\n', ' '], StringSplitOptions.RemoveEmptyEntries).Count(t => IPAddress.TryParse(t, out _)));
    }

    [Fact]
    public async Task Ipset_updater_swaps_both_sets_atomically_and_a_second_run_replaces_them()
    {
        var file = await DownloadAsync("ipset");
        var smaller = Path.Combine(_scratch, "smaller.txt");
        await File.WriteAllBytesAsync(smaller, await _client.GetByteArrayAsync("/v1/key/blacklist?scoreMinimum=0&format=ipset&ipVersion=4&limit=1"));
        var script = ToolRunner.Integration("ipset/palisade-ipset-update.sh");
        var (code, stdout, stderr) = await ToolRunner.InPrivateNetworkAsync(
            $"PALISADE_LIST_URL='file://{file}' sh '{script}' && ipset save > '{_scratch}/first' && " +
            $"PALISADE_LIST_URL='file://{smaller}' sh '{script}' && ipset save > '{_scratch}/second' && ipset list -n");
        Assert.True(code == 0, stderr + stdout);
        var first = await File.ReadAllTextAsync(Path.Combine(_scratch, "first"));
        Assert.Equal(V4.Order(StringComparer.Ordinal), Members(first, "palisade-v4"));
        Assert.Equal(V6.Order(StringComparer.Ordinal), Members(first, "palisade-v6"));
        var second = await File.ReadAllTextAsync(Path.Combine(_scratch, "second"));
        Assert.Single(Members(second, "palisade-v4"));
        Assert.Empty(Members(second, "palisade-v6"));
        Assert.DoesNotContain("-new", stdout, StringComparison.Ordinal); // the temporary sets are gone
    }
}
