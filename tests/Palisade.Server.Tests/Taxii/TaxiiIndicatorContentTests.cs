using System.Net;
using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Core.Whitelisting;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>What the indicators say (issue 5, item 6), checked through the TAXII API and against the OASIS schemas.</summary>
public sealed class TaxiiIndicatorContentTests : IAsyncLifetime
{
    private readonly MutableClock _clock = new(DateTimeOffset.UtcNow);
    private PalisadeHost _host = null!;
    private TaxiiTestData _data = null!;
    private HttpClient _client = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(clock: _clock);
        _data = await TaxiiTestData.CreateAsync(_host);
        _key = await _host.CreateKeyAsync("enterprise");
        _client = TaxiiHttp.BasicClient(_host, _key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonElement[]> AllVersionsAsync(string collection = TaxiiHttp.AllCollectionId)
    {
        var response = await _client.GetAsync($"{TaxiiHttp.Root}collections/{collection}/objects/?match[version]=all");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TaxiiHttp.ObjectsOf(await response.JsonAsync());
    }

    private static JsonElement[] IndicatorsOf(IEnumerable<JsonElement> objects, string address)
        => [.. objects.Where(o => o.GetProperty("type").GetString() == "indicator" && o.GetProperty("pattern").GetString()!.Contains($"'{address}'", StringComparison.Ordinal))];

    private async Task<int> ScoreAsync(string ip)
    {
        using var native = _host.ClientWithKey(_key);
        return (await (await native.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("confidenceLevel").GetInt32();
    }

    [Fact]
    public async Task An_indicator_has_the_stable_id_pattern_score_behaviours_and_attack_references()
    {
        await _data.ReportAsync("81.10.20.30", CategoryCatalog.BruteForce, "ssh");
        await _data.ReportAsync("81.10.20.30", CategoryCatalog.PortScan, null);
        var response = await _client.GetAsync(TaxiiHttp.Objects); // match[version] defaults to last
        var objects = TaxiiHttp.ObjectsOf(await response.JsonAsync());
        var indicator = Assert.Single(IndicatorsOf(objects, "81.10.20.30"));

        Assert.Equal("indicator--979dbd64-cb61-51c1-8f64-dbd77196f65b", indicator.GetProperty("id").GetString());
        Assert.Equal("2.1", indicator.GetProperty("spec_version").GetString());
        Assert.Equal("[ipv4-addr:value = '81.10.20.30']", indicator.GetProperty("pattern").GetString());
        Assert.Equal("stix", indicator.GetProperty("pattern_type").GetString());
        Assert.Equal("2.1", indicator.GetProperty("pattern_version").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", indicator.GetProperty("created").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", indicator.GetProperty("modified").GetString());
        var validFrom = DateTimeOffset.Parse(indicator.GetProperty("valid_from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var validUntil = DateTimeOffset.Parse(indicator.GetProperty("valid_until").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(validUntil > validFrom);
        Assert.InRange(validUntil - _clock.UtcNow, TimeSpan.FromDays(13), TimeSpan.FromDays(15));
        Assert.Equal(await ScoreAsync("81.10.20.30"), indicator.GetProperty("confidence").GetInt32());
        Assert.Equal(["malicious-activity"], indicator.GetProperty("indicator_types").EnumerateArray().Select(t => t.GetString()));
        var labels = indicator.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("ssh:brute_force", labels);
        Assert.Contains("port_scan", labels);
        var phases = indicator.GetProperty("kill_chain_phases").EnumerateArray().ToList();
        Assert.Contains(phases, p => p.GetProperty("kill_chain_name").GetString() == "mitre-attack" && p.GetProperty("phase_name").GetString() == "credential-access");
        Assert.Contains(phases, p => p.GetProperty("phase_name").GetString() == "reconnaissance");
        var references = indicator.GetProperty("external_references").EnumerateArray().ToList();
        Assert.Contains(references, r => r.GetProperty("source_name").GetString() == "mitre-attack" && r.GetProperty("external_id").GetString() == "T1110"
            && r.GetProperty("url").GetString() == "https://attack.mitre.org/techniques/T1110/");
        Assert.Contains(references, r => r.GetProperty("external_id").GetString() == "T1595.001");

        // The identity and marking it points at are served in the same collection.
        var identity = Assert.Single(objects, o => o.GetProperty("type").GetString() == "identity");
        Assert.Equal(identity.GetProperty("id").GetString(), indicator.GetProperty("created_by_ref").GetString());
        var marking = Assert.Single(objects, o => o.GetProperty("type").GetString() == "marking-definition");
        Assert.Equal([marking.GetProperty("id").GetString()], indicator.GetProperty("object_marking_refs").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("TLP:WHITE", marking.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Ipv6_addresses_get_an_ipv6_pattern()
    {
        await _data.ReportAsync("2a05:d014:1:2::5");
        var indicator = Assert.Single(IndicatorsOf(await AllVersionsAsync(), "2a05:d014:1:2::5"));
        Assert.Equal("[ipv6-addr:value = '2a05:d014:1:2::5']", indicator.GetProperty("pattern").GetString());
        Assert.Equal("indicator--6fe0ec4c-0737-5764-907c-24cbe66e8391", indicator.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Every_emitted_object_and_version_validates_against_the_stix_2_1_schemas()
    {
        await _data.ReportAsync("81.10.20.31", CategoryCatalog.BruteForce, "ssh");
        await _data.ReportAsync("81.10.20.32", CategoryCatalog.Other, null);
        await _data.ReportAsync("2a05:d014:1:2::6", CategoryCatalog.WebExploit, "http");
        await _data.ReportManyAsync(["81.10.20.33"], CategoryCatalog.Malware, "http");
        await _data.ReportManyAsync(["81.10.20.33"], CategoryCatalog.ExploitedHost, "telnet");
        await AllVersionsAsync();
        Whitelist("81.10.20.31/32");
        var objects = await AllVersionsAsync();
        Assert.Contains(objects, o => o.TryGetProperty("revoked", out var revoked) && revoked.GetBoolean());
        Assert.Equal(3, objects.Select(o => o.GetProperty("type").GetString()).Distinct().Count());
        foreach (var collection in new[] { TaxiiHttp.AllCollectionId, TaxiiHttp.HighCollectionId })
        {
            foreach (var o in await AllVersionsAsync(collection))
            {
                var errors = await StixSchemas.ValidateAsync(o.GetRawText());
                Assert.True(errors.Count == 0, o.GetRawText() + "\n" + string.Join("\n", errors));
            }
        }
    }

    [Fact]
    public async Task The_schema_check_rejects_an_object_that_breaks_the_rules()
    {
        await _data.ReportAsync("81.10.20.34");
        var indicator = Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.34")).GetRawText();
        Assert.Empty(await StixSchemas.ValidateAsync(indicator));
        var confidence = System.Text.RegularExpressions.Regex.Replace(indicator, "\"confidence\":\\d+", "\"confidence\":101");
        Assert.NotEmpty(await StixSchemas.ValidateAsync(confidence));
        var seconds = System.Text.RegularExpressions.Regex.Replace(indicator, "(\"created\":\"[^\"]*)\\.\\d{3}Z", "$1Z");
        Assert.NotEmpty(await StixSchemas.ValidateAsync(seconds));
    }

    [Fact]
    public async Task A_new_version_appears_only_when_something_a_consumer_sees_changes()
    {
        await _data.ReportAsync("81.10.20.40", CategoryCatalog.PortScan, "tcp");
        var first = Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.40"));

        // The same behaviour again, an hour later: score band, labels and expiry (to the day) unchanged.
        _clock.Advance(TimeSpan.FromHours(1));
        await _data.ReportAsync("81.10.20.40", CategoryCatalog.PortScan, "tcp");
        Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.40"));

        // A new behaviour changes the labels: a new version, same id and created, later modified.
        await _data.ReportAsync("81.10.20.40", CategoryCatalog.BruteForce, "ssh");
        var versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.40");
        Assert.Equal(2, versions.Length);
        Assert.Equal(first.GetProperty("id").GetString(), versions[1].GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("created").GetString(), versions[1].GetProperty("created").GetString());
        Assert.True(string.CompareOrdinal(versions[1].GetProperty("modified").GetString(), versions[0].GetProperty("modified").GetString()) > 0);
        Assert.Contains("ssh:brute_force", versions[1].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        // Seen again two days later: valid_until is extended by a new version.
        _clock.Advance(TimeSpan.FromDays(2));
        await _data.ReportAsync("81.10.20.40", CategoryCatalog.BruteForce, "ssh");
        versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.40");
        Assert.Equal(3, versions.Length);
        Assert.True(string.CompareOrdinal(versions[2].GetProperty("valid_until").GetString(), versions[1].GetProperty("valid_until").GetString()) > 0);
        Assert.Equal(first.GetProperty("valid_from").GetString(), versions[2].GetProperty("valid_from").GetString());
    }

    [Fact]
    public async Task A_whitelisted_address_is_revoked_and_listed_again_under_a_new_id()
    {
        await _data.ReportAsync("81.10.20.30");
        var listed = Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.30"));

        Whitelist("81.10.20.0/24");
        var versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.30");
        Assert.Equal(2, versions.Length);
        Assert.Equal(listed.GetProperty("id").GetString(), versions[1].GetProperty("id").GetString());
        Assert.True(versions[1].GetProperty("revoked").GetBoolean());

        _host.Service<WhitelistProvider>().SetOperatorEntries([]);
        versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.30");
        Assert.Equal(3, versions.Length);
        Assert.Equal("indicator--98dc5dfc-d37b-54c4-9b38-09270a095341", versions[2].GetProperty("id").GetString());
        Assert.False(versions[2].TryGetProperty("revoked", out _));
    }

    [Fact]
    public async Task An_address_on_a_whitelist_entry_that_leaves_its_score_as_it_is_is_revoked_all_the_same()
    {
        await _data.ReportAsync("81.10.20.40");
        var score = await ScoreAsync("81.10.20.40");
        Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.40"));

        _host.Service<WhitelistProvider>().SetOperatorEntries([new WhitelistEntry(System.Net.IPNetwork.Parse("81.10.20.40/32"), "watched", 1, "operator")]);
        Assert.Equal(score, await ScoreAsync("81.10.20.40"));
        var versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.40");
        Assert.Equal(2, versions.Length);
        Assert.True(versions[1].GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task A_delisted_address_gets_a_revoked_version()
    {
        await _data.ReportAsync("81.10.20.50");
        Assert.Single(IndicatorsOf(await AllVersionsAsync(), "81.10.20.50"));

        // Thirty-one days without activity: retention drops the address, and the next rescan revokes it.
        _clock.Advance(TimeSpan.FromDays(31));
        await _host.Service<Palisade.Core.Reputation.RetentionJob>().RunAsync(CancellationToken.None);
        var versions = IndicatorsOf(await AllVersionsAsync(), "81.10.20.50");
        Assert.Equal(2, versions.Length);
        Assert.True(versions[1].GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task The_high_confidence_collection_holds_only_addresses_scoring_75_or_more()
    {
        await _data.ReportAsync("81.10.20.60", CategoryCatalog.Other, null);
        foreach (var (category, protocol) in new[] { (CategoryCatalog.ExploitedHost, "telnet"), (CategoryCatalog.Malware, "http"), (CategoryCatalog.BruteForce, "ssh"), (CategoryCatalog.WebExploit, "http") })
        {
            await _data.ReportAsync("81.10.20.61", category, protocol);
        }

        Assert.True(await ScoreAsync("81.10.20.61") >= 75, "test data must score high");
        Assert.True(await ScoreAsync("81.10.20.60") < 75, "test data must score low");
        var high = await AllVersionsAsync(TaxiiHttp.HighCollectionId);
        Assert.NotEmpty(IndicatorsOf(high, "81.10.20.61"));
        Assert.Empty(IndicatorsOf(high, "81.10.20.60"));
        Assert.All(high.Where(o => o.GetProperty("type").GetString() == "indicator"), o => Assert.True(o.GetProperty("confidence").GetInt32() >= 75));
        Assert.NotEmpty(IndicatorsOf(await AllVersionsAsync(), "81.10.20.60"));
    }

    private void Whitelist(string network)
        => _host.Service<WhitelistProvider>().SetOperatorEntries([new WhitelistEntry(System.Net.IPNetwork.Parse(network), "test", 0, "operator")]);
}
