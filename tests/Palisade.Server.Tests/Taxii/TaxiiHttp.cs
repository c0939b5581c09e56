using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>Requests as TAXII clients send them (Basic auth with the key as password, the TAXII Accept header).</summary>
internal static class TaxiiHttp
{
    public const string MediaType = "application/taxii+json;version=2.1";
    public const string Root = "/taxii2/palisade/";
    public const string AllCollectionId = "e5d8fafc-7b8d-5f7b-b413-1dacccabb811";
    public const string HighCollectionId = "8647683a-c008-5ae3-955e-643eb09539d7";
    public const string Objects = Root + "collections/" + AllCollectionId + "/objects/";
    public const string Manifest = Root + "collections/" + AllCollectionId + "/manifest/";

    public static HttpClient BasicClient(PalisadeHost host, string key, string user = "sentinel")
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + key)));
        client.DefaultRequestHeaders.Accept.ParseAdd(MediaType);
        return client;
    }

    public static HttpClient AnonymousClient(PalisadeHost host)
        => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Clear();
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The exact Content-Type header as sent (the parsed view would re-format it with "; ").</summary>
    public static string ContentType(HttpResponseMessage response)
        => response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : "(none)";

    public static async Task AssertTaxiiErrorAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(MediaType, ContentType(response));
        var body = await response.JsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_code").GetString()));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("http_status").GetString());
    }

    public static JsonElement[] ObjectsOf(JsonElement envelope)
        => envelope.TryGetProperty("objects", out var objects) ? [.. objects.EnumerateArray()] : [];

    public static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}
