using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>
/// The wire rules of research/taxii.md §1.6 and the interop checklist §3.6, over a small collection: media types,
/// authentication, envelope, paging, filters, manifest, versions and the read-only answers.
/// </summary>
public sealed class TaxiiProtocolTests : IAsyncLifetime
{
    private const string Microseconds = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$";

    private PalisadeHost _host = null!;
    private TaxiiTestData _data = null!;
    private HttpClient _client = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _data = await TaxiiTestData.CreateAsync(_host);
        _key = await _host.CreateKeyAsync("enterprise", name: "siem-reader");
        _client = TaxiiHttp.BasicClient(_host, _key);
        await _data.ReportManyAsync([.. Enumerable.Range(0, 12).Select(TaxiiTestData.Address)]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path, HttpClient? client = null)
    {
        var response = await (client ?? _client).GetAsync(path);
        return (response, await response.JsonAsync());
    }

    // --- media types (§1.2, §3.6.4) ---

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("application/taxii+json")]
    [InlineData("application/taxii+json;version=2.1")]
    [InlineData("application/taxii+json; version=2.1")]
    [InlineData("application/json;q=0.5, application/taxii+json;version=2.1;q=0.9")]
    [InlineData("text/html, application/taxii+json")]
    public async Task Accept_is_negotiated_leniently(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TaxiiHttp.Objects);
        request.Headers.Accept.Clear();
        _client.DefaultRequestHeaders.Accept.Clear();
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/taxii+json;version=2.0")]
    [InlineData("application/vnd.oasis.taxii+json; version=2.0")]
    [InlineData("text/html")]
    [InlineData("application/taxii+json;version=2.1;q=0, text/plain")]
    public async Task Foreign_types_and_other_taxii_versions_get_406(string accept)
        => await TaxiiHttp.AssertTaxiiErrorAsync(await TaxiiHttp.GetAsync(_client, TaxiiHttp.Objects, accept), 406);

    [Fact]
    public async Task Errors_carry_the_taxii_content_type_and_a_matching_http_status()
    {
        await TaxiiHttp.AssertTaxiiErrorAsync(await TaxiiHttp.AnonymousClient(_host).GetAsync(TaxiiHttp.Objects), 401);
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?limit=0"), 400);
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Root + "collections/nope/objects/"), 404);
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Root + "status/0d0c8f9e-7c51-4ff3-9a3b-1b4b3c1b9f00/"), 404);
    }

    // --- authentication (§1.5, §3.6.6) ---

    [Fact]
    public async Task Objects_without_credentials_get_401_with_a_basic_challenge_never_a_redirect()
    {
        var response = await TaxiiHttp.AnonymousClient(_host).GetAsync(TaxiiHttp.Objects);
        await TaxiiHttp.AssertTaxiiErrorAsync(response, 401);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("anything")]
    [InlineData("siem-reader")]
    public async Task Basic_auth_takes_the_key_as_password_with_any_user(string user)
    {
        using var client = TaxiiHttp.BasicClient(_host, _key, user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TaxiiHttp.Objects)).StatusCode);
    }

    [Fact]
    public async Task Bearer_keys_work_and_wrong_keys_do_not()
    {
        using var bearer = _host.ClientWithKey(_key);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(TaxiiHttp.Objects)).StatusCode);
        using var wrong = TaxiiHttp.BasicClient(_host, "sk_free_0000000000000000000000000000");
        await TaxiiHttp.AssertTaxiiErrorAsync(await wrong.GetAsync(TaxiiHttp.Objects), 401);
    }

    // --- envelope and paging (§1.3, §3.6.1-3, §3.6.7) ---

    [Fact]
    public async Task An_empty_page_is_200_with_more_false_only_and_no_date_headers()
    {
        var (response, body) = await GetAsync(TaxiiHttp.Objects + "?added_after=2999-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"more":false}""", body.GetRawText());
        Assert.Null(TaxiiHttp.Header(response, "X-TAXII-Date-Added-First"));
        Assert.Null(TaxiiHttp.Header(response, "X-TAXII-Date-Added-Last"));
    }

    [Fact]
    public async Task Pages_are_ascending_by_date_added_with_date_headers_from_the_page_returned()
    {
        var manifest = TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Manifest)).Body);
        Assert.Equal(14, manifest.Length); // 12 indicators, the identity and the marking
        var dates = manifest.Select(m => m.GetProperty("date_added").GetString()!).ToList();
        Assert.All(dates, d => Assert.Matches(Microseconds, d));
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
        Assert.Equal(dates.Count, dates.Distinct().Count());

        var (response, body) = await GetAsync(TaxiiHttp.Objects + "?limit=5");
        Assert.True(body.GetProperty("more").GetBoolean());
        Assert.Equal(5, TaxiiHttp.ObjectsOf(body).Length);
        Assert.Equal(dates[0], TaxiiHttp.Header(response, "X-TAXII-Date-Added-First"));
        Assert.Equal(dates[4], TaxiiHttp.Header(response, "X-TAXII-Date-Added-Last"));
        Assert.Equal(manifest.Take(5).Select(m => m.GetProperty("id").GetString()), TaxiiHttp.ObjectsOf(body).Select(o => o.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Added_after_is_strictly_exclusive()
    {
        var (first, _) = await GetAsync(TaxiiHttp.Objects + "?limit=3");
        var last = TaxiiHttp.Header(first, "X-TAXII-Date-Added-Last")!;
        var (response, body) = await GetAsync(TaxiiHttp.Objects + "?limit=3&added_after=" + Uri.EscapeDataString(last));
        Assert.Equal(3, TaxiiHttp.ObjectsOf(body).Length);
        Assert.True(string.CompareOrdinal(TaxiiHttp.Header(response, "X-TAXII-Date-Added-First"), last) > 0);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task A_limit_that_is_not_a_positive_integer_is_400(string limit)
        => await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?limit=" + limit), 400);

    [Fact]
    public async Task A_huge_limit_is_served_up_to_the_server_maximum()
    {
        var (response, body) = await GetAsync(TaxiiHttp.Objects + "?limit=99999999999");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(14, TaxiiHttp.ObjectsOf(body).Length);
        Assert.False(body.GetProperty("more").GetBoolean());
        Assert.False(body.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Next_works_alone_and_with_the_original_filters_repeated()
    {
        var filters = "match[type]=indicator&added_after=2000-01-01T00:00:00Z";
        var (_, page1) = await GetAsync(TaxiiHttp.Objects + "?limit=5&" + filters);
        var next = Uri.EscapeDataString(page1.GetProperty("next").GetString()!);
        var (_, alone) = await GetAsync(TaxiiHttp.Objects + "?limit=5&next=" + next);
        var (_, repeated) = await GetAsync(TaxiiHttp.Objects + "?limit=5&" + filters + "&next=" + next);
        Assert.Equal(alone.GetRawText(), repeated.GetRawText());
        var ids = TaxiiHttp.ObjectsOf(page1).Concat(TaxiiHttp.ObjectsOf(alone)).Select(o => o.GetProperty("id").GetString()).ToList();
        Assert.Equal(10, ids.Distinct().Count());
        Assert.All(TaxiiHttp.ObjectsOf(alone), o => Assert.Equal("indicator", o.GetProperty("type").GetString()));

        // Bare next keeps the filter: the remaining 2 indicators, then no more.
        var (_, page3) = await GetAsync(TaxiiHttp.Objects + "?limit=5&next=" + Uri.EscapeDataString(alone.GetProperty("next").GetString()!));
        Assert.Equal(2, TaxiiHttp.ObjectsOf(page3).Length);
        Assert.False(page3.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task Next_with_changed_filters_or_altered_is_400()
    {
        var (_, page1) = await GetAsync(TaxiiHttp.Objects + "?limit=5&match[type]=indicator");
        var next = page1.GetProperty("next").GetString()!;
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?match[type]=identity&next=" + Uri.EscapeDataString(next)), 400);
        var altered = (next[0] == 'A' ? "B" : "A") + next[1..];
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?next=" + Uri.EscapeDataString(altered)), 400);
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?next=not-a-cursor"), 400);
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Manifest + "?next=" + Uri.EscapeDataString(next)), 400);
    }

    [Fact]
    public async Task Next_survives_a_restart()
    {
        var (_, page1) = await GetAsync(TaxiiHttp.Objects + "?limit=4");
        var next = Uri.EscapeDataString(page1.GetProperty("next").GetString()!);
        var (_, before) = await GetAsync(TaxiiHttp.Objects + "?limit=4&next=" + next);

        _host.KeepData();
        var directory = _host.DataDirectory;
        await _host.StopAsync();
        _client.Dispose();
        _host = await PalisadeHost.StartAsync(directory);
        _client = TaxiiHttp.BasicClient(_host, _key);
        var (response, after) = await GetAsync(TaxiiHttp.Objects + "?limit=4&next=" + next);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before.GetProperty("objects").GetRawText(), after.GetProperty("objects").GetRawText());
    }

    // --- match filters (§1.3) ---

    [Fact]
    public async Task Match_type_and_id_take_comma_lists()
    {
        var (_, types) = await GetAsync(TaxiiHttp.Objects + "?match[type]=identity,marking-definition");
        Assert.Equal(["identity", "marking-definition"], TaxiiHttp.ObjectsOf(types).Select(o => o.GetProperty("type").GetString()).Order());
        var ids = TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Objects + "?match[type]=indicator")).Body).Select(o => o.GetProperty("id").GetString()!).Take(3).ToList();
        var (_, byId) = await GetAsync(TaxiiHttp.Objects + "?match[id]=" + string.Join(",", ids));
        Assert.Equal(ids, TaxiiHttp.ObjectsOf(byId).Select(o => o.GetProperty("id").GetString()));
        var (_, both) = await GetAsync(TaxiiHttp.Objects + "?match[type]=identity&match[id]=" + ids[0]);
        Assert.Equal("""{"more":false}""", both.GetRawText());
    }

    [Theory]
    [InlineData("match[type]=indicator&match[type]=identity")]
    [InlineData("match[id]=a&match[id]=b")]
    [InlineData("match[version]=last&match[version]=first")]
    [InlineData("match[spec_version]=2.1&match[spec_version]=2.0")]
    [InlineData("match[version]=all,last")]
    [InlineData("match[version]=yesterday")]
    [InlineData("added_after=never")]
    [InlineData("match[type]=Indicator")]
    public async Task Repeated_or_malformed_filters_are_400(string query)
        => await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + "?" + query), 400);

    [Fact]
    public async Task Match_version_selects_first_last_all_or_exact_versions()
    {
        var ip = TaxiiTestData.Address(0);
        var id = TaxiiHttp.ObjectsOf((await GetAsync($"/taxii2/collections/sikker-threat-intel/objects/{ip}/")).Body)[0].GetProperty("id").GetString()!;
        await _data.ReportAsync(ip, CategoryCatalog.PortScan, "tcp"); // a new label: a second version
        var path = TaxiiHttp.Objects + "?match[id]=" + id;

        var all = TaxiiHttp.ObjectsOf((await GetAsync(path + "&match[version]=all")).Body);
        Assert.Equal(2, all.Length);
        var firstModified = all[0].GetProperty("modified").GetString()!;
        var lastModified = all[1].GetProperty("modified").GetString()!;
        Assert.Equal(lastModified, Assert.Single(TaxiiHttp.ObjectsOf((await GetAsync(path)).Body)).GetProperty("modified").GetString());
        Assert.Equal(firstModified, Assert.Single(TaxiiHttp.ObjectsOf((await GetAsync(path + "&match[version]=first")).Body)).GetProperty("modified").GetString());
        Assert.Equal(firstModified, Assert.Single(TaxiiHttp.ObjectsOf((await GetAsync(path + "&match[version]=" + firstModified)).Body)).GetProperty("modified").GetString());
        Assert.Equal(2, TaxiiHttp.ObjectsOf((await GetAsync(path + "&match[version]=first,last")).Body).Length);

        // The versions endpoint lists both; the object endpoint gives the last by default.
        var (versionsResponse, versions) = await GetAsync($"{TaxiiHttp.Objects}{id}/versions/");
        Assert.Equal([firstModified, lastModified], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Matches(Microseconds, TaxiiHttp.Header(versionsResponse, "X-TAXII-Date-Added-First")!);
        var (objectResponse, single) = await GetAsync($"{TaxiiHttp.Objects}{id}/");
        Assert.Equal(lastModified, Assert.Single(TaxiiHttp.ObjectsOf(single)).GetProperty("modified").GetString());
        Assert.Equal(TaxiiHttp.Header(objectResponse, "X-TAXII-Date-Added-First"), TaxiiHttp.Header(objectResponse, "X-TAXII-Date-Added-Last"));
    }

    [Theory]
    [InlineData("2.1", 14)]
    [InlineData("2.0,2.1", 14)]
    [InlineData("2.0", 0)]
    public async Task Match_spec_version_filters_on_the_stix_version(string specVersion, int expected)
        => Assert.Equal(expected, TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Objects + "?match[spec_version]=" + specVersion)).Body).Length);

    [Fact]
    public async Task Manifest_records_name_the_version_and_a_media_type_of_the_collection()
    {
        var objects = TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Objects)).Body);
        var manifest = TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Manifest)).Body);
        Assert.Equal(objects.Length, manifest.Length);
        for (var i = 0; i < objects.Length; i++)
        {
            Assert.Equal(objects[i].GetProperty("id").GetString(), manifest[i].GetProperty("id").GetString());
            var version = objects[i].TryGetProperty("modified", out var modified) ? modified : objects[i].GetProperty("created");
            Assert.Equal(version.GetString(), manifest[i].GetProperty("version").GetString());
            Assert.Equal("application/stix+json;version=2.1", manifest[i].GetProperty("media_type").GetString());
        }
    }

    // --- read-only answers, unknown objects, trailing slashes (§1.1, §3.6.5) ---

    [Fact]
    public async Task Writes_are_refused_with_taxii_errors()
    {
        using var taxiiBody = new StringContent("""{"objects":[]}""", Encoding.UTF8);
        taxiiBody.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.PostAsync(TaxiiHttp.Objects, taxiiBody), 403);
        using var plainBody = new StringContent("""{"objects":[]}""", Encoding.UTF8, "text/plain");
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.PostAsync(TaxiiHttp.Objects, plainBody), 415);
        var id = TaxiiHttp.ObjectsOf((await GetAsync(TaxiiHttp.Objects + "?match[type]=indicator&limit=1")).Body)[0].GetProperty("id").GetString();
        await TaxiiHttp.AssertTaxiiErrorAsync(await _client.DeleteAsync($"{TaxiiHttp.Objects}{id}/"), 403);
        Assert.Single(TaxiiHttp.ObjectsOf((await GetAsync($"{TaxiiHttp.Objects}{id}/")).Body));
    }

    [Theory]
    [InlineData("indicator--00000000-0000-4000-8000-000000000000/")]
    [InlineData("indicator--00000000-0000-4000-8000-000000000000/versions/")]
    [InlineData("81.200.1.1/")]
    [InlineData("not-an-id/")]
    public async Task Unknown_objects_are_404(string suffix)
        => await TaxiiHttp.AssertTaxiiErrorAsync(await _client.GetAsync(TaxiiHttp.Objects + suffix), 404);

    [Theory]
    [InlineData(TaxiiHttp.Objects)]
    [InlineData("/taxii2/palisade/collections/" + TaxiiHttp.AllCollectionId + "/objects")]
    [InlineData("/taxii2/palisade/collections/" + TaxiiHttp.AllCollectionId + "/manifest")]
    [InlineData("/taxii2/palisade/collections")]
    public async Task Trailing_slashes_are_optional_and_never_redirected(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
    }
}
