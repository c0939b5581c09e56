using System.Net;
using System.Text.Json;
using Palisade.Server.Operations;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

public sealed class BenchmarkApiTests
{
    [Fact]
    public async Task Bare_endpoint_is_not_there_by_default()
    {
        await using var host = await PalisadeHost.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/bench/bare")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/bench/bare?bytes=500")).StatusCode);
    }

    [Fact]
    public async Task When_enabled_it_answers_a_json_document_of_the_asked_size()
    {
        await using var host = await PalisadeHost.StartAsync(configure: o => o.BenchmarkEndpoints = true);

        var fallback = await host.Client.GetAsync("/bench/bare");
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        Assert.Equal("application/json", fallback.Content.Headers.ContentType?.MediaType);
        Assert.Equal(BenchmarkApi.DefaultDocumentBytes, (await fallback.Content.ReadAsByteArrayAsync()).Length);

        foreach (var size in new[] { 777, BenchmarkApi.MinDocumentBytes, 5000, 777 })
        {
            var body = await (await host.Client.GetAsync($"/bench/bare?bytes={size}")).Content.ReadAsByteArrayAsync();
            Assert.Equal(size, body.Length);
            using var document = JsonDocument.Parse(body);
            Assert.False(document.RootElement.GetProperty("found").GetBoolean());
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("10")]
    [InlineData("99999999")]
    public async Task A_bad_size_is_400_with_an_error(string bytes)
    {
        await using var host = await PalisadeHost.StartAsync(configure: o => o.BenchmarkEndpoints = true);
        var response = await host.Client.GetAsync($"/bench/bare?bytes={bytes}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bytes must be", (await response.JsonAsync()).GetProperty("error").GetString());
    }
}
