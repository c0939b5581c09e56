using System.Net;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>SikkerAPI's CLI paths (research/sikker-cli.md, `sikker taxii`) and the TAXII quota (issue 5, items 7–8).</summary>
public sealed class TaxiiSikkerAndQuotaTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private TaxiiTestData _data = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _data = await TaxiiTestData.CreateAsync(_host);
        await _data.ReportManyAsync([.. Enumerable.Range(0, 30).Select(TaxiiTestData.Address)]);
        await _data.ReportAsync("2a05:d014:1:2::9");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>What the Go CLI sends: Accept: application/json and a Bearer sk_ key.</summary>
    private HttpClient SikkerClient(string key)
    {
        var client = _host.ClientWithKey(key);
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return client;
    }

    [Fact]
    public async Task Sikker_list_pages_with_limit_and_offset_under_its_alias()
    {
        using var client = SikkerClient(await _host.CreateKeyAsync("business"));
        var all = TaxiiHttp.ObjectsOf(await (await client.GetAsync("/taxii2/collections/sikker-threat-intel/objects/?limit=1000")).JsonAsync());
        var response = await client.GetAsync("/taxii2/collections/sikker-threat-intel/objects/?limit=5&offset=10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
        var page = TaxiiHttp.ObjectsOf(await response.JsonAsync());
        Assert.Equal(all.Skip(10).Take(5).Select(o => o.GetProperty("id").GetString()), page.Select(o => o.GetProperty("id").GetString()));
        Assert.NotNull(TaxiiHttp.Header(response, "X-TAXII-Limit"));
        Assert.NotNull(TaxiiHttp.Header(response, "X-TAXII-Remaining"));
    }

    [Fact]
    public async Task Sikker_added_after_with_an_unencoded_plus_is_understood()
    {
        using var client = SikkerClient(await _host.CreateKeyAsync("business"));
        var past = DateTimeOffset.UtcNow.AddHours(-1).ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        var response = await client.GetAsync("/taxii2/collections/sikker-threat-intel/objects/?limit=5&added_after=" + past);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, TaxiiHttp.ObjectsOf(await response.JsonAsync()).Length);
        var future = DateTimeOffset.UtcNow.AddHours(1).ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(TaxiiHttp.ObjectsOf(await (await client.GetAsync("/taxii2/collections/sikker-threat-intel/objects/?added_after=" + future)).JsonAsync()));
    }

    [Theory]
    [InlineData("81.10.0.5")]
    [InlineData("2a05:d014:1:2::9")]
    public async Task Sikker_get_takes_an_ip_as_object_id(string ip)
    {
        using var client = SikkerClient(await _host.CreateKeyAsync("business"));
        var response = await client.GetAsync($"/taxii2/collections/sikker-threat-intel/objects/{ip}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var indicator = Assert.Single(TaxiiHttp.ObjectsOf(await response.JsonAsync()));
        Assert.Contains($"'{ip}'", indicator.GetProperty("pattern").GetString(), StringComparison.Ordinal);
        Assert.Equal("indicator", indicator.GetProperty("type").GetString());
        Assert.NotEmpty(indicator.GetProperty("labels").EnumerateArray());
    }

    [Fact]
    public async Task Each_indicator_costs_one_unit_and_a_spent_quota_cuts_the_page_then_answers_429()
    {
        var key = await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Taxii] = 7 });
        using var client = TaxiiHttp.BasicClient(_host, key);

        // Identity and marking come first and are free; the page stops after the 7th indicator.
        var response = await client.GetAsync(TaxiiHttp.Objects + "?limit=20");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var objects = TaxiiHttp.ObjectsOf(body);
        Assert.Equal(7, objects.Count(o => o.GetProperty("type").GetString() == "indicator"));
        Assert.Equal(9, objects.Length);
        Assert.True(body.GetProperty("more").GetBoolean());
        Assert.Equal("7", TaxiiHttp.Header(response, "X-TAXII-Limit"));
        Assert.Equal("0", TaxiiHttp.Header(response, "X-TAXII-Remaining"));
        Assert.Equal("7", TaxiiHttp.Header(response, "X-Daily-Used"));
        Assert.NotNull(TaxiiHttp.Header(response, "X-RateLimit-Reset"));

        var spent = await client.GetAsync(TaxiiHttp.Objects + "?next=" + Uri.EscapeDataString(body.GetProperty("next").GetString()!));
        await TaxiiHttp.AssertTaxiiErrorAsync(spent, 429);
        Assert.NotNull(spent.Headers.RetryAfter);

        // Metadata and manifests are not charged.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TaxiiHttp.Manifest)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TaxiiHttp.Root + "collections/")).StatusCode);
    }
}
