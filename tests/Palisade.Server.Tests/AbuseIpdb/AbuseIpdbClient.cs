using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

/// <summary>HTTP clients that authenticate the way AbuseIPDB's clients do: a <c>Key:</c> header.</summary>
internal static class AbuseIpdbClient
{
    public static HttpClient Create(PalisadeHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("Key", key);
        client.DefaultRequestHeaders.Add("Accept", "application/json");
        return client;
    }

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, params (string Name, string Value)[] fields)
        => client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
}
