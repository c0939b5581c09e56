using System.Net;
using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>
/// The paging walk: 5,000 indicators with limit=100, reports arriving between pages, every object version
/// returned exactly once, then a re-poll with added_after from X-TAXII-Date-Added-Last that returns only what is new.
/// </summary>
public sealed class TaxiiPagingWalkTests : IAsyncLifetime
{
    private const int Seeded = 5_000;
    private PalisadeHost _host = null!;
    private TaxiiTestData _data = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _data = await TaxiiTestData.CreateAsync(_host);
        _client = TaxiiHttp.BasicClient(_host, await _host.CreateKeyAsync("enterprise"));
        await _data.ReportManyAsync([.. Enumerable.Range(0, Seeded).Select(TaxiiTestData.Address)]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private static string Pattern(string ip) => $"[ipv4-addr:value = '{ip}']";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_walk_with_reports_arriving_returns_every_version_exactly_once(bool restartWithAddedAfter)
    {
        var seen = new Dictionary<(string Id, string Version), int>();
        var latest = new Dictionary<string, JsonElement>();
        var fresh = 0;
        string? lastHeader = null;
        var url = TaxiiHttp.Objects + "?limit=100&match[type]=indicator";
        var pages = 0;
        while (true)
        {
            var response = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            var objects = TaxiiHttp.ObjectsOf(body);
            Assert.True(objects.Length <= 100);
            foreach (var o in objects)
            {
                var key = (o.GetProperty("id").GetString()!, o.GetProperty("modified").GetString()!);
                seen[key] = seen.GetValueOrDefault(key) + 1;
                latest[o.GetProperty("pattern").GetString()!] = o;
            }

            lastHeader = TaxiiHttp.Header(response, "X-TAXII-Date-Added-Last") ?? lastHeader;
            pages++;

            // Between pages: new addresses, a new behaviour on an address already returned, a repeat report.
            if (pages % 5 == 0 && fresh < 200)
            {
                var batch = Enumerable.Range(Seeded + fresh, 20).Select(TaxiiTestData.Address).ToList();
                await _data.ReportManyAsync(batch);
                fresh += 20;
                await _data.ReportAsync(TaxiiTestData.Address(pages), CategoryCatalog.PortScan, "tcp");
                await _data.ReportAsync(TaxiiTestData.Address(pages + 1), CategoryCatalog.BruteForce, "ssh");
            }

            if (!body.GetProperty("more").GetBoolean())
            {
                break;
            }

            // Either follow next, or restart from the date header with added_after (what Elastic and OpenCTI do).
            url = restartWithAddedAfter && pages % 2 == 0
                ? TaxiiHttp.Objects + "?limit=100&match[type]=indicator&added_after=" + Uri.EscapeDataString(lastHeader!)
                : TaxiiHttp.Objects + "?limit=100&next=" + Uri.EscapeDataString(body.GetProperty("next").GetString()!);
        }

        Assert.All(seen, pair => Assert.Equal(1, pair.Value));
        Assert.True(pages >= 50);
        // Addresses a built-in whitelist knows (the MISP lists hold a few in this range) are, rightly, not published.
        var whitelist = _host.Service<Palisade.Core.Whitelisting.WhitelistProvider>().Current;
        var expected = Enumerable.Range(0, Seeded + fresh).Select(TaxiiTestData.Address)
            .Where(ip => whitelist.Match(System.Net.IPAddress.Parse(ip), DateTimeOffset.UtcNow) is null)
            .Select(Pattern).ToHashSet();
        Assert.True(expected.Count > Seeded - 20);
        Assert.Equal(expected.Order(), latest.Keys.Order());

        // The last version seen of every address is its current one.
        var current = TaxiiHttp.ObjectsOf(await (await _client.GetAsync(TaxiiHttp.Objects + "?limit=1000&match[type]=indicator&match[id]=" +
            string.Join(",", latest.Values.Take(100).Select(o => o.GetProperty("id").GetString())))).JsonAsync());
        foreach (var o in current)
        {
            Assert.Equal(o.GetProperty("modified").GetString(), latest[o.GetProperty("pattern").GetString()!].GetProperty("modified").GetString());
        }

        // Re-poll: nothing new, then exactly the new report.
        var repoll = await (await _client.GetAsync(TaxiiHttp.Objects + "?match[type]=indicator&added_after=" + Uri.EscapeDataString(lastHeader!))).JsonAsync();
        Assert.Equal("""{"more":false}""", repoll.GetRawText());
        await _data.ReportAsync("81.200.0.1");
        var after = TaxiiHttp.ObjectsOf(await (await _client.GetAsync(TaxiiHttp.Objects + "?added_after=" + Uri.EscapeDataString(lastHeader!))).JsonAsync());
        Assert.Equal([Pattern("81.200.0.1")], after.Select(o => o.GetProperty("pattern").GetString()));
    }
}
