using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.IpSwamp;

/// <summary>
/// The calls IPSwamp's open-source honeypot makes (src/services/api-service.js): the key in <c>?api_key=</c>, bodies and
/// answers as that client sends and reads them.
/// </summary>
public sealed class IpSwampHoneypotTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("honeypot");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A client without any key header: the key travels in the query, as IPSwamp's honeypot sends it.</summary>
    private HttpClient Anonymous => _host.Client;

    private Task<HttpResponseMessage> PostAsync(string path, object body, string? key = null)
        => Anonymous.PostAsync($"{path}?api_key={Uri.EscapeDataString(key ?? _key)}",
            new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Heartbeat_report_and_get_work_as_the_ipswamp_honeypot_calls_them_and_the_status_lists_the_honeypot()
    {
        var ping = await Anonymous.GetAsync($"/api/ping?api_key={_key}");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("ok", (await ping.JsonAsync()).GetProperty("status").GetString());

        var heartbeat = await PostAsync("/api/honeypot/heartbeat", new { honeypot_id = "swamp-1" });
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        var beat = await heartbeat.JsonAsync();
        Assert.Equal("ok", beat.GetProperty("status").GetString());
        Assert.Equal("Heartbeat received", beat.GetProperty("message").GetString());

        var report = await PostAsync("/api/honeypot/report-ip", new
        {
            ip_address = "45.95.147.10",
            attack_type = "SSH_BRUTEFORCE",
            description = "Brute force attacks against SSH",
            evidence = new[] { "user root", "user admin" },
            severity = 4,
            category = "authentication",
            source = "honeypot",
        });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var answer = await report.JsonAsync();
        Assert.Equal("ok", answer.GetProperty("status").GetString());
        Assert.True(answer.GetProperty("ip_id").GetInt64() > 0);
        Assert.True(answer.GetProperty("current_score").GetInt32() > 0);
        Assert.Equal("brute_force", answer.GetProperty("category").GetString());

        var get = await (await Anonymous.GetAsync($"/api/get?api_key={_key}&ip=45.95.147.10")).JsonAsync();
        Assert.Equal("45.95.147.10", get.GetProperty("ip").GetString());
        Assert.Equal(1, get.GetProperty("attacks_count").GetInt64());
        Assert.True(get.GetProperty("is_suspicious").GetBoolean());
        Assert.Contains("brute_force", get.GetProperty("attack_types").EnumerateArray().Select(t => t.GetString()));

        // The report is native sensor evidence: ssh brute force from a honeypot key.
        var check = await (await _host.ClientWithKey(_key).GetAsync("/v1/key/check/45.95.147.10?verbose=true")).JsonAsync();
        Assert.Contains("ssh", check.GetProperty("protocols").EnumerateArray().Select(p => p.GetProperty("protocol").GetString()));
        Assert.Contains("brute_force", check.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.True(check.GetProperty("scoreBreakdown").GetProperty("sensorEvidence").GetDouble() > 0);

        var status = await (await _host.ClientWithKey(_key).GetAsync("/v1/key/status")).JsonAsync();
        var sensor = Assert.Single(status.GetProperty("sensors").EnumerateArray());
        Assert.Equal("swamp-1", sensor.GetProperty("sensor").GetString());
        Assert.Equal("ipswamp", sensor.GetProperty("kind").GetString());
        Assert.Equal(1, sensor.GetProperty("eventsToday").GetProperty("ssh").GetInt64());
    }

    [Fact]
    public async Task Bad_honeypot_calls_get_ipswamps_error_shape_and_change_nothing()
    {
        await AssertErrorAsync(await PostAsync("/api/honeypot/heartbeat", new { id = "x" }), HttpStatusCode.BadRequest, "Missing honeypot_id in request body");
        await AssertErrorAsync(await PostAsync("/api/honeypot/report-ip", new { ip_address = "45.95.147.11" }), HttpStatusCode.BadRequest,
            "Missing required fields (ip_address, attack_type)");
        await AssertErrorAsync(await PostAsync("/api/honeypot/report-ip", new { ip_address = "10.0.0.1", attack_type = "PORT_SCAN" }), HttpStatusCode.BadRequest, null);
        await AssertErrorAsync(await Anonymous.GetAsync($"/api/get?api_key={_key}"), HttpStatusCode.BadRequest, "Missing IP parameter");
        await AssertErrorAsync(await PostAsync("/api/honeypot/heartbeat", new { honeypot_id = "x" }, "sk_free_wrongwrongwrongwrongwrongwrong12"), HttpStatusCode.Forbidden, "Invalid API key");
        await AssertErrorAsync(await Anonymous.GetAsync("/api/ping"), HttpStatusCode.Unauthorized, null);

        var status = await (await _host.ClientWithKey(_key).GetAsync("/v1/key/status")).JsonAsync();
        Assert.False(status.TryGetProperty("sensors", out _));
        var check = await (await _host.ClientWithKey(_key).GetAsync("/v1/key/check/45.95.147.11")).JsonAsync();
        Assert.False(check.GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Api_key_in_the_query_is_a_credential_on_the_ipswamp_face()
    {
        var response = await Anonymous.GetAsync($"/api/v1/checkIP?ip=45.95.147.12&api_key={_key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("IP not found", (await response.JsonAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_palisade_sensor_heartbeat_with_counts_is_listed_in_the_status_and_bad_ones_are_refused()
    {
        var client = _host.ClientWithKey(_key);
        var bad = await client.PostJsonAsync("/v1/key/sensor/heartbeat", new { listeners = new[] { "ssh:22" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("sensor", (await bad.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False((await (await client.GetAsync("/v1/key/status")).JsonAsync()).TryGetProperty("sensors", out _));

        var ok = await client.PostJsonAsync("/v1/key/sensor/heartbeat", new
        {
            sensor = "edge-1",
            listeners = new[] { "ssh:2222", "http:8081" },
            eventsToday = new Dictionary<string, long> { ["ssh"] = 12, ["http"] = 3 },
            topUsernames = new[] { new { username = "root", count = 9 }, new { username = "admin", count = 3 } },
            queued = 2,
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var sensor = Assert.Single((await (await client.GetAsync("/v1/key/status")).JsonAsync()).GetProperty("sensors").EnumerateArray());
        Assert.Equal("edge-1", sensor.GetProperty("sensor").GetString());
        Assert.Equal(12, sensor.GetProperty("eventsToday").GetProperty("ssh").GetInt64());
        Assert.Equal("root", sensor.GetProperty("topUsernames")[0].GetProperty("username").GetString());
        Assert.Equal(9, sensor.GetProperty("topUsernames")[0].GetProperty("count").GetInt64());
        Assert.True(DateTimeOffset.TryParse(sensor.GetProperty("lastHeartbeat").GetString(), out _));
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? message)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("error").GetBoolean());
        Assert.Equal((int)status, json.GetProperty("statusCode").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, json.GetProperty("message").GetString());
        }
    }
}

/// <summary>ReportedIP's honeypot server (src/Api/ReportClient.php) reports with X-Key and an urlencoded body; it keeps working.</summary>
public sealed class ReportedIpHoneypotClientTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_reportedip_honeypot_report_is_accepted_as_sensor_evidence()
    {
        var key = await _host.CreateKeyAsync("honeypot");
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/wp-json/reportedip/v2/report")
        {
            Content = new FormUrlEncodedContent([new("ip", "45.95.147.40"), new("categories", "18,22"), new("comment", "SSH brute force against the honeypot")]),
        };
        request.Headers.Add("X-Key", key);
        request.Headers.UserAgent.ParseAdd("reportedip-honeypot-server/1.0.0");
        var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var check = await (await _host.ClientWithKey(key).GetAsync("/v1/key/check/45.95.147.40?verbose=true")).JsonAsync();
        Assert.True(check.GetProperty("found").GetBoolean());
        Assert.True(check.GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.Contains("brute_force", check.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.True(check.GetProperty("scoreBreakdown").GetProperty("sensorEvidence").GetDouble() > 0);
    }
}
