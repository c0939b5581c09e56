using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

/// <summary>JSON blocklists are gzipped for clients that accept gzip (SikkerAPI's Go client), as they are otherwise.</summary>
public sealed class BlacklistGzipTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
        using var reporter = _host.ClientWithKey(await _host.CreateKeyAsync("free"));
        foreach (var ip in new[] { "45.33.40.1", "45.33.40.2", "2a00:1450::7" })
        {
            Assert.Equal(HttpStatusCode.OK, (await reporter.PostJsonAsync("/v1/key/report", new { ip, category = "brute_force", protocol = "ssh" })).StatusCode);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptEncoding, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task Json_is_gzipped_when_accepted_and_decodes_to_the_same_list()
    {
        using var identity = await GetAsync("/v1/key/blacklist?scoreMinimum=0", null);
        Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
        Assert.Empty(identity.Content.Headers.ContentEncoding);
        var plainJson = await identity.Content.ReadAsStringAsync();

        using var zipped = await GetAsync("/v1/key/blacklist?scoreMinimum=0", "gzip, deflate");
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        var compressed = await zipped.Content.ReadAsByteArrayAsync();
        Assert.Equal(compressed.Length, zipped.Content.Headers.ContentLength);
        await using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var decoded = await new StreamReader(gunzip).ReadToEndAsync();

        using var a = JsonDocument.Parse(plainJson);
        using var b = JsonDocument.Parse(decoded);
        var ips = a.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("ip").GetString()).ToList();
        Assert.Equal(3, ips.Count);
        Assert.Equal(ips, b.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("ip").GetString()));
        Assert.Equal(a.RootElement.GetProperty("data").GetRawText(), b.RootElement.GetProperty("data").GetRawText());

        // Each representation has its own entity tag, and a gzip client revalidates with its own.
        Assert.NotEqual(identity.Headers.ETag!.Tag, zipped.Headers.ETag!.Tag);
        using var revalidated = await GetAsync("/v1/key/blacklist?scoreMinimum=0", "gzip", zipped.Headers.ETag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Gzip_refused_with_q0_and_plaintext_are_sent_as_they_are()
    {
        using var refused = await GetAsync("/v1/key/blacklist?scoreMinimum=0", "gzip;q=0, identity");
        Assert.Empty(refused.Content.Headers.ContentEncoding);
        Assert.Equal(3, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetArrayLength());

        using var plaintext = await GetAsync("/v1/key/blacklist?scoreMinimum=0&plaintext=true", "gzip");
        Assert.Empty(plaintext.Content.Headers.ContentEncoding);
        Assert.Equal(3, (await plaintext.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
