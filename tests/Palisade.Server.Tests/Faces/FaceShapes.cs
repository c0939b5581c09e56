using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Faces;

/// <summary>The six API faces, one representative keyed request each, and each face's own error shape.</summary>
public sealed record Face(string Name, string ErrorProbePath, string CheckPath)
{
    public const string TaxiiMediaType = "application/taxii+json;version=2.1";

    public static Face Native { get; } = new("native", "/v1/key", "/v1/key/check/{ip}");
    public static Face AbuseIpdb { get; } = new("abuseipdb", "/api/v2", "/api/v2/check?ipAddress={ip}");
    public static Face ReportedIp { get; } = new("reportedip", "/wp-json/reportedip/v2", "/wp-json/reportedip/v2/check?ip={ip}");
    public static Face CrowdSec { get; } = new("crowdsec", "/v1/decisions", "/v1/decisions?ip={ip}");
    public static Face IpSwamp { get; } = new("ipswamp", "/api/v1", "/api/v1/checkIP?ip={ip}");
    public static Face Taxii { get; } = new("taxii", "/taxii2", "/taxii2/palisade/collections/e5d8fafc-7b8d-5f7b-b413-1dacccabb811/objects/");

    public static IReadOnlyList<Face> All { get; } = [Native, AbuseIpdb, ReportedIp, CrowdSec, IpSwamp, Taxii];

    public static Face Named(string name) => All.Single(f => f.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var face in All)
        {
            data.Add(face.Name);
        }

        return data;
    }

    public string Check(string ip) => CheckPath.Replace("{ip}", ip, StringComparison.Ordinal);

    /// <summary>A client sending <paramref name="key"/> the way every face accepts it (Bearer), asking TAXII's media type.</summary>
    public HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (this == Taxii)
        {
            client.DefaultRequestHeaders.Accept.ParseAdd(TaxiiMediaType);
        }

        return client;
    }

    /// <summary>Asserts the response is an error with <paramref name="status"/> in this face's shape, and returns its message.</summary>
    public async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{Name}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return AssertErrorBody(text, (int)status, response.Content.Headers.ContentType?.MediaType);
    }

    public string AssertErrorBody(string text, int status, string? mediaType)
    {
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement;
        string? message;
        switch (Name)
        {
            case "native":
                Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
                message = body.GetProperty("error").GetString();
                break;
            case "abuseipdb":
                var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
                Assert.Equal(status, error.GetProperty("status").GetInt32());
                message = error.GetProperty("detail").GetString();
                break;
            case "reportedip":
                var meta = body.GetProperty("meta");
                Assert.False(meta.GetProperty("success").GetBoolean());
                Assert.Equal(status, meta.GetProperty("code").GetInt32());
                Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
                message = meta.GetProperty("message").GetString();
                break;
            case "crowdsec":
                Assert.Single(body.EnumerateObject());
                message = body.GetProperty("message").GetString();
                break;
            case "ipswamp":
                Assert.Equal(JsonValueKind.True, body.GetProperty("error").ValueKind);
                Assert.Equal(status, body.GetProperty("statusCode").GetInt32());
                message = body.GetProperty("message").GetString();
                break;
            default:
                Assert.Equal("application/taxii+json", mediaType);
                Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("http_status").GetString());
                Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
                Assert.False(string.IsNullOrEmpty(body.GetProperty("error_code").GetString()));
                message = body.GetProperty("description").GetString();
                break;
        }

        Assert.False(string.IsNullOrWhiteSpace(message), $"{Name}: empty message in {text}");
        return message!;
    }
}
