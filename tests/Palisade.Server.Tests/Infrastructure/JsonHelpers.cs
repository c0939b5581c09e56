using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Palisade.Server.Tests.Infrastructure;

internal static class JsonHelpers
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body)
        => client.PostAsJsonAsync(path, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json")
        => client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public static string Header(this HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.First() : throw new Xunit.Sdk.XunitException($"Header {name} missing");
}
