using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

/// <summary>
/// The API is described: every operation of every face in <c>/openapi/v1.json</c> has a name, a summary and a typed
/// success answer, request bodies are described where a client sends JSON, and the documented bodies carry every field
/// the server really answers with (so a description cannot drift from the wire unnoticed). Request bodies are described
/// with documentation-only metadata, not Accepts: that metadata makes routing refuse other content types with its own
/// empty 415.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    // Operations that never succeed by design, so they document only their refusal: the TAXII collections are read-only
    // and keep no status resources. HEAD probes (CrowdSec) answer 200 with no body.
    private static readonly HashSet<string> RefusalOnly =
    [
        "TaxiiAddObjects", "TaxiiDeleteObject", "TaxiiStatus", "SikkerTaxiiAddObjects", "SikkerTaxiiDeleteObject", "SikkerTaxiiStatus",
    ];

    private PalisadeHost _host = null!;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        var response = await _host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations()
    {
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _)))
            {
                yield return (path.Name, operation.Name, operation.Value);
            }
        }
    }

    private JsonElement Operation(string operationId)
        => Operations().Single(o => o.Operation.TryGetProperty("operationId", out var id) && id.GetString() == operationId).Operation;

    /// <summary>The schema behind a <c>$ref</c> (components/schemas), or the schema itself.</summary>
    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = _document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private static bool HasSchema(JsonElement response)
        => response.TryGetProperty("content", out var content) && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _));

    private HashSet<string> PropertiesOf(JsonElement schema)
    {
        schema = Resolve(schema);
        return schema.TryGetProperty("properties", out var properties)
            ? [.. properties.EnumerateObject().Select(p => p.Name)]
            : [];
    }

    private JsonElement SuccessSchema(string operationId, string status = "200")
    {
        var content = Operation(operationId).GetProperty("responses").GetProperty(status).GetProperty("content");
        return content.EnumerateObject().First(c => c.Name.Contains("json", StringComparison.Ordinal)).Value.GetProperty("schema");
    }

    [Fact]
    public void Every_operation_has_a_unique_name_a_summary_and_a_typed_answer()
    {
        var operations = Operations().ToList();
        Assert.True(operations.Count >= 60, $"only {operations.Count} operations are described");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            if (!operation.TryGetProperty("operationId", out var id) || !names.Add(id.GetString()!))
            {
                problems.Add($"{where}: no operationId, or a repeated one");
                continue;
            }

            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            {
                problems.Add($"{where}: no summary");
            }

            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            if (method == "head")
            {
                if (!responses.Any(r => r.Name == "200"))
                {
                    problems.Add($"{where}: a probe without its 200");
                }
            }
            else if (RefusalOnly.Contains(id.GetString()!))
            {
                if (!responses.Any(r => r.Name.StartsWith('4') && HasSchema(r.Value)))
                {
                    problems.Add($"{where}: its refusal has no body schema");
                }
            }
            else if (!responses.Any(r => r.Name.StartsWith('2') && HasSchema(r.Value)))
            {
                problems.Add($"{where}: no 2xx answer with a body schema");
            }

            // The shared access filter's refusals are described in each face's own error shape (operations and TAXII
            // discovery take no key and count nothing).
            if (path is not ("/healthz" or "/readyz" or "/metrics" or "/taxii2" or "/taxii2/") &&
                !responses.Any(r => r.Name == "429" && HasSchema(r.Value)))
            {
                problems.Add($"{where}: no 429 in the face's error shape");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_face_is_described_with_its_own_error_body()
    {
        string ErrorSchema(string operationId, string status)
        {
            var content = Operation(operationId).GetProperty("responses").GetProperty(status).GetProperty("content");
            var schema = content.EnumerateObject().First().Value.GetProperty("schema");
            return string.Join(",", PropertiesOf(schema).Order(StringComparer.Ordinal));
        }

        Assert.Equal("error", ErrorSchema("NativeCheck", "429"));
        Assert.Equal("errors", ErrorSchema("AbuseIpdbCheck", "429"));
        Assert.Equal("data,meta", ErrorSchema("ReportedIpCheck", "429"));
        Assert.Equal("error,message,statusCode", ErrorSchema("IpSwampCheckIp", "429"));
        Assert.Equal("message", ErrorSchema("CrowdSecDecisions", "403"));
        Assert.Equal("description,error_code,http_status,title", ErrorSchema("TaxiiObjects", "401"));
        var taxiiError = Operation("TaxiiObjects").GetProperty("responses").GetProperty("401").GetProperty("content");
        Assert.Equal("application/taxii+json;version=2.1", taxiiError.EnumerateObject().Single().Name);
    }

    [Fact]
    public void Every_operation_that_takes_a_body_describes_it()
    {
        PropertiesOfBody("NativeReport", "application/json", "ip", "category", "categories", "email", "comment", "timestamp");
        Assert.Contains("reports", PropertiesOfBody("NativeBulkReport", "application/json"));
        PropertiesOfBody("CreateAlert", "application/json", "ip", "cidr", "username", "email", "webhookUrl", "minScore");
        PropertiesOfBody("UpdateIpAlert", "application/json", "label", "enabled");
        PropertiesOfBody("IpSwampCheckBulk", "application/json", "ips");
        PropertiesOfBody("IpSwampHoneypotReport", "application/json", "ip_address", "attack_type");
        PropertiesOfBody("ReportedIpReport", "application/x-www-form-urlencoded", "ip", "categories", "comment");
        PropertiesOfBody("ReportedIpWhitelist", "application/json", "ipAddress", "reason");
        PropertiesOfBody("AbuseIpdbReport", "multipart/form-data", "ip", "categories", "comment", "timestamp");
        PropertiesOfBody("AbuseIpdbBulkReport", "multipart/form-data", "csv");
        Assert.True(Operation("NativeBulkCheck").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/plain", out _));
        Assert.True(Operation("NativeBulkReport").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));

        // Every write that is not a refusal by design says what it takes (sign-in forms and key-less probes aside).
        var undescribed = Operations()
            .Where(o => o.Method is "post" or "put" or "patch" && !o.Path.StartsWith("/dashboard", StringComparison.Ordinal))
            .Where(o => !RefusalOnly.Contains(o.Operation.GetProperty("operationId").GetString()!) && !o.Operation.TryGetProperty("requestBody", out _))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}")
            .ToList();
        Assert.True(undescribed.Count == 0, "no request body described: " + string.Join(", ", undescribed));

        HashSet<string> PropertiesOfBody(string operationId, string contentType, params string[] expected)
        {
            var schema = Operation(operationId).GetProperty("requestBody").GetProperty("content").GetProperty(contentType).GetProperty("schema");
            var properties = PropertiesOf(schema);
            foreach (var name in expected)
            {
                Assert.True(properties.Contains(name), $"{operationId} ({contentType}) does not describe '{name}': {string.Join(", ", properties)}");
            }

            return properties;
        }
    }

    [Fact]
    public async Task A_report_written_from_the_described_fields_is_accepted_by_each_face()
    {
        // The described field names are the ones the handlers read: a body built only from them is taken.
        var key = await _host.CreateKeyAsync("enterprise");
        using var client = _host.ClientWithKey(key);
        var samples = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["ip"] = "45.33.86.7", ["category"] = "brute_force", ["categories"] = "18", ["protocol"] = "ssh", ["port"] = 22,
            ["username"] = "root", ["email"] = "bot@example.net", ["comment"] = "Failed password for root", ["timestamp"] = "2026-12-01T10:00:00Z",
            ["source"] = "local",
        };

        Dictionary<string, object> BodyOf(string operationId, string contentType, params string[] skip)
            => PropertiesOf(Operation(operationId).GetProperty("requestBody").GetProperty("content").GetProperty(contentType).GetProperty("schema"))
                .Where(name => !skip.Contains(name))
                .ToDictionary(name => name, name => samples[name], StringComparer.Ordinal);

        // Native: categories and category are alternatives; the native ids of "categories" are names.
        var native = BodyOf("NativeReport", "application/json", "categories");
        var nativeAnswer = await client.PostJsonAsync("/v1/key/report", native);
        Assert.True(nativeAnswer.StatusCode == HttpStatusCode.OK, $"{(int)nativeAnswer.StatusCode}: {await nativeAnswer.Content.ReadAsStringAsync()}");

        var abuse = BodyOf("AbuseIpdbReport", "application/x-www-form-urlencoded");
        abuse["ip"] = "45.33.86.8";
        using var abuseForm = new FormUrlEncodedContent(abuse.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!));
        using var abuseRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v2/report") { Content = abuseForm };
        abuseRequest.Headers.Add("Key", key);
        var abuseAnswer = await _host.Client.SendAsync(abuseRequest);
        Assert.True(abuseAnswer.StatusCode == HttpStatusCode.OK, $"{(int)abuseAnswer.StatusCode}: {await abuseAnswer.Content.ReadAsStringAsync()}");

        var reported = BodyOf("ReportedIpReport", "application/json");
        reported["ip"] = "45.33.86.9";
        using var reportedRequest = new HttpRequestMessage(HttpMethod.Post, "/wp-json/reportedip/v2/report") { Content = JsonContent.Create(reported) };
        reportedRequest.Headers.Add("X-Key", key);
        var answer = await _host.Client.SendAsync(reportedRequest);
        Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task The_documented_answers_name_every_field_the_server_answers_with()
    {
        var key = await _host.CreateKeyAsync("enterprise");
        using var client = _host.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.85.7", category = "brute_force" })).StatusCode);

        async Task AssertDescribed(HttpResponseMessage response, string operationId, string status = "200")
        {
            Assert.Equal((HttpStatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), response.StatusCode);
            var body = await response.JsonAsync();
            var described = PropertiesOf(SuccessSchema(operationId, status));
            foreach (var field in body.EnumerateObject())
            {
                Assert.True(described.Contains(field.Name), $"{operationId} answers '{field.Name}', which its description lacks ({string.Join(", ", described)})");
            }
        }

        await AssertDescribed(await client.GetAsync("/v1/key/check/45.33.85.7"), "NativeCheck");
        await AssertDescribed(await client.GetAsync("/v1/key/status"), "NativeStatus");
        await AssertDescribed(await _host.Client.GetAsync("/healthz"), "Healthz");
        await AssertDescribed(await _host.Client.GetAsync("/readyz"), "Readyz");
        await AssertDescribed(await client.PostJsonAsync("/v1/key/alerts", new { ip = "45.33.85.7" }), "CreateAlert", "201");
        await AssertDescribed(await client.GetAsync("/v1/key/alerts"), "ListAlerts");
        await AssertDescribed(await _host.Client.GetAsync("/taxii2/"), "TaxiiDiscovery");
        await AssertDescribed(await _host.Client.GetAsync("/taxii2/palisade/"), "TaxiiApiRoot");
        await AssertDescribed(await _host.Client.GetAsync("/taxii2/palisade/collections/"), "TaxiiCollections");
        var collection = (await (await _host.Client.GetAsync("/taxii2/palisade/collections/")).JsonAsync()).GetProperty("collections")[0];
        await AssertDescribed(await _host.Client.GetAsync($"/taxii2/palisade/collections/{collection.GetProperty("id").GetString()}/"), "TaxiiCollection");
        Assert.Contains("collections", PropertiesOf(SuccessSchema("TaxiiCollections")));
        Assert.Contains("can_write", PropertiesOf(Resolve(SuccessSchema("TaxiiCollection"))));
    }
}
