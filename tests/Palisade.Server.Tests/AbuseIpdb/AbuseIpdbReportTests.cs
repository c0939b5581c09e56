using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

public sealed class AbuseIpdbReportTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> CheckAsync(string ip, string extra = "")
    {
        var response = await _client.GetAsync($"/api/v2/check?ipAddress={Uri.EscapeDataString(ip)}{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("data");
    }

    [Fact]
    public async Task Form_report_is_answered_with_data_and_kept_in_abuseipdb_ids()
    {
        var response = await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.1"), ("categories", "18,22"), ("comment", "sshd: 12 failures"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal("45.33.40.1", data.GetProperty("ipAddress").GetString());
        Assert.True(data.GetProperty("abuseConfidenceScore").GetInt32() > 0);
        Assert.Equal("1000", response.Header("X-RateLimit-Limit"));
        Assert.Equal("999", response.Header("X-RateLimit-Remaining"));

        var check = await CheckAsync("45.33.40.1", "&verbose");
        Assert.Equal(1, check.GetProperty("totalReports").GetInt64());
        Assert.Equal(1, check.GetProperty("numDistinctUsers").GetInt32());
        var report = check.GetProperty("reports")[0];
        Assert.Equal([18, 22], report.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal("sshd: 12 failures", report.GetProperty("comment").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", report.GetProperty("reportedAt").GetString());
    }

    [Fact]
    public async Task Json_report_with_timestamp_and_query_parameters_work()
    {
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var json = await _client.PostRawAsync("/api/v2/report",
            JsonSerializer.Serialize(new { ip = "45.33.40.2", categories = new[] { 14 }, comment = "scan", timestamp = at.ToString("O") }));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var byQuery = await _client.PostAsync("/api/v2/report?ip=45.33.40.3&categories=4", null);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        var check = await CheckAsync("45.33.40.2");
        Assert.Equal(at.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'"), check.GetProperty("lastReportedAt").GetString());
        Assert.Equal(1, (await CheckAsync("45.33.40.3")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Repeat_within_15_minutes_is_200_duplicate_and_counted_once()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.4"), ("categories", "18"))).StatusCode);
        var again = await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.4"), ("categories", "18"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.JsonAsync()).GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("1", again.Header("X-Daily-Used"));
        Assert.Equal(1, (await CheckAsync("45.33.40.4")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Comment_over_1024_bytes_is_cut_not_refused()
    {
        var comment = new string('é', 700); // 1,400 bytes in UTF-8
        var response = await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.5"), ("categories", "18"), ("comment", comment));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await CheckAsync("45.33.40.5", "&verbose=true")).GetProperty("reports")[0].GetProperty("comment").GetString()!;
        Assert.Equal(512, stored.Length);
        Assert.True(Encoding.UTF8.GetByteCount(stored) <= 1024);
    }

    [Theory]
    [InlineData("", "18", "ip")]
    [InlineData("45.33.40.6", "", "categories")]
    [InlineData("45.33.40.6", "24", "categories")]
    [InlineData("45.33.40.6", "0", "categories")]
    [InlineData("45.33.40.6", "18,abc", "categories")]
    [InlineData("not-an-ip", "18", "ip")]
    [InlineData("10.1.2.3", "18", "ip")]
    public async Task Validation_errors_are_422_in_abuseipdb_shape_and_store_nothing(string ip, string categories, string parameter)
    {
        var response = await _client.PostFormAsync("/api/v2/report", ("ip", ip), ("categories", categories));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors")[0];
        Assert.Equal(422, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("detail").GetString()));
        Assert.Equal(parameter, error.GetProperty("source").GetProperty("parameter").GetString());
        Assert.Equal("0", response.Header("X-Daily-Used"));
        Assert.Equal(0, (await CheckAsync("45.33.40.6")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Bad_timestamp_is_422()
    {
        var response = await _client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.7"), ("categories", "18"), ("timestamp", "last tuesday"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("timestamp", (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("source").GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Report_quota_exhausted_is_429_with_retry_after()
    {
        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync(limits: new Dictionary<QuotaFamily, long> { [QuotaFamily.Report] = 1 }));
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.8"), ("categories", "18"))).StatusCode);
        var refused = await client.PostFormAsync("/api/v2/report", ("ip", "45.33.40.9"), ("categories", "18"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, (await refused.JsonAsync()).GetProperty("errors")[0].GetProperty("status").GetInt32());
        Assert.True(long.Parse(refused.Header("Retry-After")) >= 1);
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Bulk_report_saves_valid_rows_and_lists_invalid_ones_with_row_numbers()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var csv = "IP,Categories,ReportDate,Comment\n" +
                  $"45.33.41.1,\"18,22\",{now},\"ssh, many \"\"root\"\" logins\"\n" +
                  $"45.33.41.2,14,{now},\n" +
                  $"45.33.41.3,99,{now},bad category\n" +
                  $"nonsense,18,{now},bad ip\n";
        using var content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "csv", "report.csv" } };
        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
        var response = await client.PostAsync("/api/v2/bulk-report", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal(2, data.GetProperty("savedReports").GetInt32());
        var invalid = data.GetProperty("invalidReports").EnumerateArray().ToList();
        Assert.Equal([4, 5], invalid.Select(i => i.GetProperty("rowNumber").GetInt32()));
        Assert.StartsWith("45.33.41.3", invalid[0].GetProperty("input").GetString());
        Assert.Equal("2", response.Header("X-Daily-Used"));
        Assert.Equal("998", response.Header("X-Report-Remaining"));
        var report = (await CheckAsync("45.33.41.1", "&verbose")).GetProperty("reports")[0];
        Assert.Equal("ssh, many \"root\" logins", report.GetProperty("comment").GetString());
        Assert.Equal([18, 22], report.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
    }

    [Theory]
    [InlineData("IP,Category,ReportDate,Comment\n45.33.41.9,18,,x\n")]
    [InlineData("")]
    public async Task Bulk_report_with_wrong_header_or_no_file_is_422(string csv)
    {
        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
        using var content = new MultipartFormDataContent();
        if (csv.Length > 0)
        {
            content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "csv", "report.csv");
        }
        else
        {
            content.Add(new StringContent("x"), "other");
        }

        var response = await client.PostAsync("/api/v2/bulk-report", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("csv", (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("source").GetProperty("parameter").GetString());
        Assert.Equal(0, (await CheckAsync("45.33.41.9")).GetProperty("totalReports").GetInt64());
    }

    [Fact]
    public async Task Bulk_report_over_10000_lines_is_422()
    {
        var csv = new StringBuilder("IP,Categories,ReportDate,Comment\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append("45.33.42.1,18,,x\n");
        }

        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("professional"));
        using var content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "csv", "r.csv" } };
        var response = await client.PostAsync("/api/v2/bulk-report", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("10,000", (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("detail").GetString());
    }
}
