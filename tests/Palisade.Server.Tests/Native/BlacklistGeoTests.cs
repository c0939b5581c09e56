using System.Net;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Server.Tests.Native;

/// <summary>Checks and blocklists with the real installed geo data.</summary>
public sealed class BlacklistGeoTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(await GeoTestData.DataDirectoryWithGeoAsync());
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync()
    {
        var data = _host.DataDirectory;
        await _host.DisposeAsync();
        Directory.Delete(Path.Combine(data, "geo"));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Check_carries_country_continent_and_asn_as_a_number_string()
    {
        var json = await (await _client.GetAsync("/v1/key/check/81.2.69.142")).JsonAsync();
        var geo = json.GetProperty("geolocation");
        Assert.Equal("GB", geo.GetProperty("countryCode").GetString());
        Assert.Equal("United Kingdom", geo.GetProperty("countryName").GetString());
        Assert.Equal("EU", geo.GetProperty("continentCode").GetString());
        Assert.Equal("20712", geo.GetProperty("asn").GetString());
        Assert.Equal("Andrews & Arnold Ltd", geo.GetProperty("asnOrg").GetString());

        var v6 = await (await _client.GetAsync("/v1/key/check/2a00:1450:4001::1")).JsonAsync();
        Assert.Equal("IE", v6.GetProperty("geolocation").GetProperty("countryCode").GetString());
    }

    [Fact]
    public async Task Bulk_check_carries_the_country_of_every_address()
    {
        var response = await _client.PostRawAsync("/v1/key/bulk-check-inline", "81.2.69.142\n2a00:1450:4001::1\n", "text/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.JsonAsync()).GetProperty("results");
        Assert.Equal("GB", results[0].GetProperty("countryCode").GetString());
        Assert.Equal("IE", results[1].GetProperty("countryCode").GetString());
    }

    [Fact]
    public async Task Blacklist_entries_carry_geo_and_filter_by_country_and_asn()
    {
        foreach (var ip in new[] { "81.2.69.142", "45.33.32.156" })
        {
            var report = await _client.PostJsonAsync("/v1/key/report", new { ip, category = "port_scan", protocol = "tcp" });
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        }

        var gb = await (await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0&onlyCountries=GB")).JsonAsync();
        var entry = Assert.Single(gb.GetProperty("data").EnumerateArray());
        Assert.Equal("81.2.69.142", entry.GetProperty("ip").GetString());
        Assert.Equal("GB", entry.GetProperty("countryCode").GetString());
        Assert.Equal("20712", entry.GetProperty("asn").GetString());
        Assert.Equal("Andrews & Arnold Ltd", entry.GetProperty("asnOrg").GetString());

        var notAa = await (await _client.GetAsync("/v1/key/blacklist?scoreMinimum=0&exceptAsn=20712&plaintext=true")).Content.ReadAsStringAsync();
        Assert.Equal("45.33.32.156\n", notAa);
    }

    [Fact]
    public async Task Healthz_shows_the_geo_data_build_date()
    {
        var json = await (await _host.Client.GetAsync("/healthz")).JsonAsync();
        Assert.True(json.GetProperty("geo").GetProperty("installed").GetBoolean());
        Assert.Equal("2026-06-17", json.GetProperty("geo").GetProperty("buildDate").GetString());
    }
}
