using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class ReportEndpointTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> CheckAsync(string ip) => await (await _client.GetAsync("/v1/key/check/" + ip)).JsonAsync();

    [Theory]
    [InlineData("""{"ip":"45.33.32.1","category":"brute_force"}""")]
    [InlineData("""{"ip":"45.33.32.1","category":"3"}""")]
    [InlineData("""{"ip":"45.33.32.1","category":3}""")]
    [InlineData("""{"ip":"45.33.32.1","category":"Port-Scan"}""")]
    [InlineData("""{"ip":"45.33.32.1","categories":["ddos",4]}""")]
    [InlineData("""{"ip":"45.33.32.1","categories":"ddos,4"}""")]
    [InlineData("""{"ip":"45.33.32.1","category":"spam","protocol":"smtp","port":25,"username":"admin","comment":"x","timestamp":"2020-01-01T00:00:00Z","source":"local"}""")]
    public async Task Accepted_forms_answer_200_success_true(string body)
    {
        if (body.Contains("2020-01-01", StringComparison.Ordinal))
        {
            body = body.Replace("2020-01-01T00:00:00Z", DateTimeOffset.UtcNow.AddHours(-1).ToString("O"), StringComparison.Ordinal);
        }

        var response = await _client.PostRawAsync("/v1/key/report", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.True(json.GetProperty("status").GetString() is "accepted" or "duplicate");
        Assert.True((await CheckAsync("45.33.32.1")).GetProperty("found").GetBoolean());
    }

    [Theory]
    [InlineData("""{"ip":"45.33.32.2"}""", "category")]
    [InlineData("""{"category":"ddos"}""", "ip")]
    [InlineData("""{"ip":"45.33.32.2","category":"nonsense"}""", "Unknown category")]
    [InlineData("""{"ip":"45.33.32.2","category":17}""", "Unknown category")]
    [InlineData("""{"ip":"45.33.32.2","category":0}""", "Unknown category")]
    [InlineData("""{"ip":"10.0.0.1","category":"ddos"}""", "private")]
    [InlineData("""{"ip":"127.0.0.1","category":"ddos"}""", "loopback")]
    [InlineData("""{"ip":"::ffff:10.0.0.1","category":"ddos"}""", "private")]
    [InlineData("""{"ip":"fe80::1%eth0","category":"ddos"}""", "zone")]
    [InlineData("""{"ip":"1.2.3","category":"ddos"}""", "1.2.3")]
    [InlineData("""{"ip":"256.1.1.1","category":"ddos"}""", "256.1.1.1")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","port":70000}""", "Port")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","port":"x"}""", "port")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","source":"rumour"}""", "source")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","timestamp":"yesterday"}""", "timestamp")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","timestamp":"2999-01-01T00:00:00Z"}""", "future")]
    [InlineData("""{"ip":45,"category":"ddos"}""", "string")]
    [InlineData("""["45.33.32.2"]""", "object")]
    [InlineData("""{"ip":"45.33.32.2","category":"ddos","protocol":"ssh; DROP TABLE reports"}""", "Protocol")]
    public async Task Bad_reports_get_400_with_an_actionable_error_and_store_nothing(string body, string expected)
    {
        var response = await _client.PostRawAsync("/v1/key/report", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("success").GetBoolean());
        Assert.Contains(expected, json.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False((await CheckAsync("45.33.32.2")).GetProperty("found").GetBoolean());
        Assert.Equal("0", response.Header("X-Daily-Used"));
    }

    [Fact]
    public async Task Comment_over_1000_characters_is_refused()
    {
        var response = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.3", category = "spam", comment = new string('a', 1001) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1000", (await response.JsonAsync()).GetProperty("error").GetString());
        var ok = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.3", category = "spam", comment = new string('a', 1000) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_and_bad_utf8_get_400()
    {
        var malformed = await _client.PostRawAsync("/v1/key/report", """{"ip":"45.33.32.4","category":""");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("JSON", (await malformed.JsonAsync()).GetProperty("error").GetString());

        var bytes = Encoding.UTF8.GetBytes("""{"ip":"45.33.32.4","category":"spam","comment":"X"}""");
        bytes[^3] = 0xFF;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        var badUtf8 = await _client.PostAsync("/v1/key/report", content);
        Assert.Equal(HttpStatusCode.BadRequest, badUtf8.StatusCode);
        Assert.False((await CheckAsync("45.33.32.4")).GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Ten_megabyte_body_gets_413()
    {
        // Expect: 100-continue lets the client hear the early 413 instead of writing 10 MB into a closed socket.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/key/report")
        {
            Content = new StringContent("{\"ip\":\"45.33.32.5\",\"comment\":\"" + new string('a', 10 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        request.Headers.Authorization = _client.DefaultRequestHeaders.Authorization;
        // The default 1 s wait for the server's answer to "Expect" is too short on a loaded machine.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = _host.BaseAddress };
        var response = await patient.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("error", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Same_key_address_and_category_within_15_minutes_is_a_counted_once_duplicate()
    {
        var first = await (await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.6", category = "brute_force" })).JsonAsync();
        var again = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.6", category = "brute_force" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var json = await again.JsonAsync();
        Assert.Equal("duplicate", json.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("id").GetInt64(), json.GetProperty("id").GetInt64());
        Assert.Equal("900", again.Header("X-Duplicate-Window"));
        Assert.Equal(1, (await CheckAsync("45.33.32.6")).GetProperty("totalSessions").GetInt64());
        Assert.Equal("1", again.Header("X-Daily-Used"));

        var otherCategory = await (await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.6", category = "port_scan" })).JsonAsync();
        Assert.Equal("accepted", otherCategory.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sql_and_markup_in_fields_are_stored_verbatim_and_emails_are_scrubbed()
    {
        const string comment = "'; DROP TABLE reports; -- <script>alert(1)</script> mail me at evil@example.com";
        var response = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.7", category = "web_exploit", username = "admin' OR '1'='1", comment });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var check = await CheckAsync("45.33.32.7");
        var stored = check.GetProperty("reports")[0].GetProperty("comment").GetString();
        Assert.StartsWith("'; DROP TABLE reports; -- <script>alert(1)</script>", stored);
        Assert.DoesNotContain("evil@example.com", stored);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/v1/key/username/" + Uri.EscapeDataString("admin' OR '1'='1"))).StatusCode);
    }

    [Fact]
    public async Task Feed_reports_are_stored_but_do_not_raise_the_score()
    {
        var response = await (await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.8", category = "ddos", source = "feed" })).JsonAsync();
        Assert.Equal(0, response.GetProperty("confidenceLevel").GetInt32());
        var check = await CheckAsync("45.33.32.8");
        Assert.True(check.GetProperty("found").GetBoolean());
        Assert.Equal(0, check.GetProperty("confidenceLevel").GetInt32());
    }
}
