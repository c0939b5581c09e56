using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Server.Tests.AbuseIpdb;

/// <summary>
/// What AbuseIPDB clients send and read beyond the basics (issue 13, items 5–8): parameters in any encoding on every
/// endpoint, the blacklist's X-Generated-At, the country on check and check-block, and the report dates scripts write.
/// </summary>
public sealed class AbuseIpdbCompatibilityTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(await GeoTestData.DataDirectoryWithGeoAsync());
        _client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync()
    {
        var data = _host.DataDirectory;
        await _host.DisposeAsync();
        Directory.Delete(Path.Combine(data, "geo"));
        Directory.Delete(data, recursive: true);
    }

    private static MultipartFormDataContent Multipart(params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        return content;
    }

    private async Task<JsonElement> DataAsync(HttpRequestMessage request)
    {
        var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    /// <summary>A honeypot's report: enough for a confidence the blacklist lists.</summary>
    private async Task SensorReportAsync(string ip)
    {
        using var sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        Assert.Equal(HttpStatusCode.OK, (await sensor.PostJsonAsync("/v1/key/report",
            new { ip, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" })).StatusCode);
    }

    private Task<JsonElement> CheckAsync(string ip, string extra = "")
        => DataAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v2/check?ipAddress=" + Uri.EscapeDataString(ip) + extra));

    [Fact]
    public async Task Multipart_reports_from_php_clients_are_stored()
    {
        var report = await _client.PostAsync("/api/v2/report", Multipart(("ip", "45.33.60.1"), ("categories", "18,22"), ("comment", "ssh")));
        Assert.True(report.StatusCode == HttpStatusCode.OK, await report.Content.ReadAsStringAsync());
        // PHP's array syntax for repeated fields, and a JSON body, work too.
        var php = await _client.PostAsync("/api/v2/report", Multipart(("ip", "45.33.60.2"), ("categories[]", "18"), ("categories[]", "22")));
        Assert.True(php.StatusCode == HttpStatusCode.OK, await php.Content.ReadAsStringAsync());
        var json = await _client.PostAsync("/api/v2/report", new StringContent("""{"ip":"45.33.60.3","categories":[18]}""", Encoding.UTF8, "application/json"));
        Assert.True(json.StatusCode == HttpStatusCode.OK, await json.Content.ReadAsStringAsync());
        Assert.Equal(1, (await CheckAsync("45.33.60.1")).GetProperty("totalReports").GetInt64());
        Assert.Equal([18, 22], (await CheckAsync("45.33.60.2", "&verbose")).GetProperty("reports")[0].GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(1, (await CheckAsync("45.33.60.3")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Check_check_block_blacklist_and_clear_address_take_their_parameters_from_a_body()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.61.7"), ("categories", "18"))).StatusCode);
        await SensorReportAsync("45.33.61.7");

        var check = await DataAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v2/check")
        {
            Content = new FormUrlEncodedContent([new("ipAddress", "45.33.61.7"), new("maxAgeInDays", "30")]),
        });
        Assert.Equal("45.33.61.7", check.GetProperty("ipAddress").GetString());
        var before = check.GetProperty("totalReports").GetInt64();
        Assert.True(before >= 2, check.ToString());

        var block = await DataAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v2/check-block") { Content = Multipart(("network", "45.33.61.0/24")) });
        Assert.Equal("45.33.61.7", Assert.Single(block.GetProperty("reportedAddress").EnumerateArray()).GetProperty("ipAddress").GetString());

        using var blacklistRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v2/blacklist") { Content = Multipart(("confidenceMinimum", "25"), ("plaintext", "")) };
        var blacklist = await _client.SendAsync(blacklistRequest);
        Assert.Equal(HttpStatusCode.OK, blacklist.StatusCode);
        Assert.Contains("45.33.61.7", (await blacklist.Content.ReadAsStringAsync()).Split('\n'));

        var cleared = await DataAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v2/clear-address") { Content = Multipart(("ipAddress", "45.33.61.7")) });
        Assert.Equal(1, cleared.GetProperty("numReportsDeleted").GetInt32());
        Assert.Equal(before - 1, (await CheckAsync("45.33.61.7")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task An_oversized_parameter_body_is_refused_and_nothing_is_stored()
    {
        var response = await _client.PostAsync("/api/v2/report", Multipart(("ip", "45.33.62.1"), ("categories", "18"), ("comment", new string('x', 70_000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("status").GetInt32());
        Assert.Equal(0, (await CheckAsync("45.33.62.1")).GetProperty("totalReports").GetInt64());
    }

    [Theory]
    [InlineData("plaintext")]
    [InlineData("")]
    public async Task The_blacklist_carries_x_generated_at_and_the_rate_limit_headers(string plaintext)
    {
        await SensorReportAsync("45.33.63.1");
        var response = await _client.GetAsync("/api/v2/blacklist?confidenceMinimum=25" + (plaintext.Length > 0 ? "&plaintext" : ""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = DateTimeOffset.Parse(response.Header("X-Generated-At"), CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - generated).TotalMinutes) < 10, "X-Generated-At is the list's time");
        Assert.NotNull(response.Header("X-RateLimit-Limit"));
        Assert.NotNull(response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Check_and_check_block_name_the_country_from_the_installed_geo_data()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PostFormAsync("/api/v2/report", ("ip", "81.2.69.142"), ("categories", "18"))).StatusCode);
        var plain = await CheckAsync("81.2.69.142");
        Assert.Equal("GB", plain.GetProperty("countryCode").GetString());
        Assert.False(plain.TryGetProperty("countryName", out _));
        var verbose = await CheckAsync("81.2.69.142", "&verbose");
        Assert.Equal("United Kingdom", verbose.GetProperty("countryName").GetString());
        Assert.Equal("IE", (await CheckAsync("2a00:1450:4001::1")).GetProperty("countryCode").GetString());

        var block = await DataAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v2/check-block?network=81.2.69.0/24"));
        Assert.Equal("GB", Assert.Single(block.GetProperty("reportedAddress").EnumerateArray()).GetProperty("countryCode").GetString());
    }

    [Fact]
    public async Task Bulk_report_dates_in_the_formats_scripts_write_are_read_and_a_naive_time_is_utc()
    {
        var at = DateTimeOffset.UtcNow.AddHours(-30);
        at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, TimeSpan.Zero);
        var eastern = at.ToOffset(TimeSpan.FromHours(-5));
        var rows = new (string Ip, string Date)[]
        {
            ("45.33.64.1", at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("45.33.64.2", eastern.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)),
            ("45.33.64.3", at.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000"),
            ("45.33.64.4", eastern.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
            ("45.33.64.5", at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("45.33.64.6", at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"),
        };
        var csv = "IP,Categories,ReportDate,Comment\n" + string.Concat(rows.Select(r => $"{r.Ip},18,\"{r.Date}\",x\n")) + "45.33.64.9,18,yesterday-ish,x\n";
        using var content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "csv", "report.csv" } };
        var response = await _client.PostAsync("/api/v2/bulk-report", content);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal(rows.Length, data.GetProperty("savedReports").GetInt32());
        Assert.Equal(rows.Length + 2, Assert.Single(data.GetProperty("invalidReports").EnumerateArray()).GetProperty("rowNumber").GetInt32());
        foreach (var (ip, _) in rows)
        {
            var reportedAt = (await CheckAsync(ip, "&verbose")).GetProperty("reports")[0].GetProperty("reportedAt").GetString()!;
            Assert.Equal(at, DateTimeOffset.Parse(reportedAt, CultureInfo.InvariantCulture));
        }
    }
}
