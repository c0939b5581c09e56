using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>Discovery, API root and collection resources (research/taxii.md §1.1, §1.6 first rows).</summary>
public sealed class TaxiiDiscoveryTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _anonymous = TaxiiHttp.AnonymousClient(_host);
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_path_under_taxii2_is_a_TAXII_404_and_only_there()
    {
        var unknown = await TaxiiHttp.GetAsync(_anonymous, "/taxii2/no-such-root/", TaxiiHttp.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(unknown));
        Assert.Equal("not_found", (await unknown.JsonAsync()).GetProperty("error_code").GetString());

        // Elsewhere the TAXII fallback does not answer: a known path asked with another method is 405, an unknown one
        // is not TAXII's (the build-time handler generator once mapped this fallback over every path).
        using var wrongMethod = await _anonymous.GetAsync("/v1/key/report");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        using var postHealth = await _anonymous.PostAsync("/healthz", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, postHealth.StatusCode);
        using var elsewhere = await _anonymous.GetAsync("/no-such-path");
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.NotEqual(TaxiiHttp.MediaType, TaxiiHttp.ContentType(elsewhere));
    }

    [Theory]
    [InlineData("/taxii2/")]
    [InlineData("/taxii2")]
    public async Task Discovery_names_a_default_api_root_that_is_in_api_roots(string path)
    {
        var response = await TaxiiHttp.GetAsync(_anonymous, path, TaxiiHttp.MediaType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
        var body = await response.JsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        var roots = body.GetProperty("api_roots").EnumerateArray().Select(r => r.GetString()!).ToList();
        var defaultRoot = body.GetProperty("default").GetString()!;
        Assert.Contains(defaultRoot, roots);
        Assert.All(roots, r => Assert.True(r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && r.EndsWith('/')));

        // The root it names is served.
        var root = await TaxiiHttp.GetAsync(_anonymous, defaultRoot, TaxiiHttp.MediaType);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
    }

    [Theory]
    [InlineData(TaxiiHttp.Root)]
    [InlineData("/taxii2/palisade")]
    public async Task Api_root_lists_taxii_2_1_and_a_positive_max_content_length(string path)
    {
        var response = await TaxiiHttp.GetAsync(_anonymous, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
        var body = await response.JsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.Contains(TaxiiHttp.MediaType, body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.True(body.GetProperty("max_content_length").GetInt64() > 0);
    }

    [Fact]
    public async Task Collections_are_read_only_with_uuid_ids_unique_aliases_and_stix_media_types()
    {
        var response = await TaxiiHttp.GetAsync(_anonymous, TaxiiHttp.Root + "collections/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaxiiHttp.MediaType, TaxiiHttp.ContentType(response));
        var collections = (await response.JsonAsync()).GetProperty("collections").EnumerateArray().ToList();
        Assert.Equal(2, collections.Count);
        foreach (var collection in collections)
        {
            Assert.True(Guid.TryParseExact(collection.GetProperty("id").GetString(), "D", out _));
            Assert.False(string.IsNullOrEmpty(collection.GetProperty("title").GetString()));
            Assert.True(collection.GetProperty("can_read").GetBoolean());
            Assert.False(collection.GetProperty("can_write").GetBoolean());
            Assert.Equal(["application/stix+json;version=2.1"], collection.GetProperty("media_types").EnumerateArray().Select(m => m.GetString()));
        }

        Assert.Equal(2, collections.Select(c => c.GetProperty("alias").GetString()).Distinct().Count());
        Assert.Equal([TaxiiHttp.AllCollectionId, TaxiiHttp.HighCollectionId], collections.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("sikker-threat-intel", collections[0].GetProperty("alias").GetString());
    }

    [Theory]
    [InlineData(TaxiiHttp.Root + "collections/" + TaxiiHttp.AllCollectionId + "/", TaxiiHttp.AllCollectionId)]
    [InlineData(TaxiiHttp.Root + "collections/" + TaxiiHttp.HighCollectionId, TaxiiHttp.HighCollectionId)]
    [InlineData(TaxiiHttp.Root + "collections/sikker-threat-intel/", TaxiiHttp.AllCollectionId)]
    [InlineData("/taxii2/collections/sikker-threat-intel/", TaxiiHttp.AllCollectionId)]
    public async Task A_collection_is_found_by_id_or_alias(string path, string id)
    {
        var response = await TaxiiHttp.GetAsync(_anonymous, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (await response.JsonAsync()).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(TaxiiHttp.Root + "collections/00000000-0000-4000-8000-000000000000/")]
    [InlineData(TaxiiHttp.Root + "no-such-thing/")]
    [InlineData("/taxii2/other-root/collections/")]
    public async Task Unknown_resources_are_taxii_404s(string path)
        => await TaxiiHttp.AssertTaxiiErrorAsync(await TaxiiHttp.GetAsync(_anonymous, path), 404);

    [Fact]
    public async Task A_presented_key_that_is_wrong_is_refused_even_on_open_resources()
    {
        var client = TaxiiHttp.BasicClient(_host, "sk_free_not_a_real_key");
        var response = await client.GetAsync("/taxii2/");
        await TaxiiHttp.AssertTaxiiErrorAsync(response, 401);
        Assert.StartsWith("Basic realm=", response.Headers.WwwAuthenticate.First().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sentinel_style_basic_auth_reads_discovery()
    {
        var client = TaxiiHttp.BasicClient(_host, await _host.CreateKeyAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/taxii2/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TaxiiHttp.Root + "collections/")).StatusCode);
    }
}
