using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

public sealed class ApiReferenceTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_openapi_document_lists_every_face()
    {
        var response = await _host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/key/check/{ip}", "/v1/key/report", "/v1/key/blacklist", "/api/v2/check", "/api/v1/checkIP",
                     "/wp-json/reportedip/v2/check", "/v1/decisions/stream" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task The_openapi_document_carries_the_geo_data_attribution()
    {
        var info = JsonDocument.Parse(await _host.Client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("info");
        Assert.Equal("Palisade", info.GetProperty("title").GetString());
        Assert.Contains("IP to ASN data by DB-IP (https://db-ip.com)", info.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browsable_reference_is_served_by_the_process_itself()
    {
        var response = await _host.Client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        var script = await _host.Client.GetAsync("/scalar/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000, "the page's script comes from this process, not a CDN");
    }
}
