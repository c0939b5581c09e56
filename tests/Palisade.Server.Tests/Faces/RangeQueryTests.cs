using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Faces;

/// <summary>The faces that answer for a block of addresses (AbuseIPDB check-block, IPSwamp checkSubnet, ReportedIP
/// search) share one range query: the same addresses in, the same out, exact bounds for IPv6.</summary>
public sealed class RangeQueryTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("enterprise");
        using var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        foreach (var ip in new[] { "45.33.53.9", "45.33.53.200", "45.33.54.1", "2a01:4f8:f017::5", "2a01:4f8:f017::ff", "2a01:4f8:f017:1::5" })
        {
            var response = await reporter.PostJsonAsync("/v1/key/report", new { ip, category = "brute_force", protocol = "ssh" });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> GetAsync(Face face, string path)
    {
        using var client = face.Client(_host.BaseAddress, _key);
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Fact]
    public async Task AbuseIPDB_check_block_of_an_IPv6_64_has_exact_bounds_and_host_count()
    {
        using var client = Face.AbuseIpdb.Client(_host.BaseAddress, _key);
        var response = await client.GetAsync("/api/v2/check-block?network=2a01:4f8:f017::/64");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Exact integers on the wire: not 18446744073709600000 (a rounded double).
        Assert.Contains("\"numPossibleHosts\":18446744073709551616", raw, StringComparison.Ordinal);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal("2a01:4f8:f017::", data.GetProperty("minAddress").GetString());
        Assert.Equal("2a01:4f8:f017:0:ffff:ffff:ffff:ffff", data.GetProperty("maxAddress").GetString());
        var listed = data.GetProperty("reportedAddress").EnumerateArray().Select(a => a.GetProperty("ipAddress").GetString()).Order().ToList();
        Assert.Equal(["2a01:4f8:f017::5", "2a01:4f8:f017::ff"], listed);
    }

    [Fact]
    public async Task AbuseIPDB_check_block_of_an_IPv6_126_counts_four_hosts()
    {
        var data = (await GetAsync(Face.AbuseIpdb, "/api/v2/check-block?network=2a01:4f8:f017::4/126")).GetProperty("data");
        Assert.Equal(4, data.GetProperty("numPossibleHosts").GetInt32());
        Assert.Equal("2a01:4f8:f017::7", data.GetProperty("maxAddress").GetString());
        Assert.Equal("2a01:4f8:f017::5", Assert.Single(data.GetProperty("reportedAddress").EnumerateArray()).GetProperty("ipAddress").GetString());
    }

    [Fact]
    public async Task Every_block_face_finds_the_same_addresses()
    {
        var abuse = (await GetAsync(Face.AbuseIpdb, "/api/v2/check-block?network=45.33.53.0/24")).GetProperty("data").GetProperty("reportedAddress")
            .EnumerateArray().Select(a => a.GetProperty("ipAddress").GetString()).Order().ToList();
        var swamp = await GetAsync(Face.IpSwamp, "/api/v1/checkSubnet?cidr=45.33.53.0/24");
        var swampIps = swamp.GetProperty("results").EnumerateArray().Select(a => a.GetProperty("ip").GetString()).ToList();
        var reported = (await GetAsync(Face.ReportedIp, "/wp-json/reportedip/v2/search-public?q=45.33.53.0/24")).GetProperty("data")
            .GetProperty("results").EnumerateArray().Select(a => a.GetProperty("ip").GetString()).Order().ToList();

        Assert.Equal(["45.33.53.200", "45.33.53.9"], abuse);
        Assert.Equal(["45.33.53.9", "45.33.53.200"], swampIps); // IPSwamp lists a block in address order
        Assert.Equal(abuse, reported);
        Assert.Equal("45.33.53.255", swamp.GetProperty("broadcast").GetString());
    }
}
