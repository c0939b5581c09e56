using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

public sealed class BulkReportEndpointTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(configure: o => o.Tiers["contributor"] = new TierSettings { Features = ["Check", "Report"] });
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>The request SikkerAPI's CLI sends for a non-.json file, byte for byte: one part named "file" with the path as
    /// typed, application/octet-stream, a 60-hex-digit boundary.</summary>
    internal static HttpContent CliMultipart(byte[] file, string filename = "uploads/reports.csv", string field = "file")
    {
        var boundary = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..28];
        var head = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");
        var content = new ByteArrayContent([.. head, .. file, .. tail]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    private Task<HttpResponseMessage> UploadCsvAsync(string csv, HttpClient? client = null)
        => (client ?? _client).PostAsync("/v1/key/bulk-report", CliMultipart(Encoding.UTF8.GetBytes(csv)));

    private async Task<JsonElement> CheckAsync(string ip) => await (await _client.GetAsync("/v1/key/check/" + ip)).JsonAsync();

    private async Task<bool> FoundAsync(string ip) => (await CheckAsync(ip)).GetProperty("found").GetBoolean();

    private static JsonElement ErrorFor(JsonElement json, int row)
        => json.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("row").GetInt32() == row);

    [Fact]
    public async Task Csv_upload_as_the_cli_sends_it_stores_good_rows_and_names_the_bad_row()
    {
        var response = await UploadCsvAsync("IP,Category,Protocol,Comment\n45.60.1.1,brute_force,ssh,Attack attempt\n45.60.1.2,port_scan,,\n999.1.1.1,ddos,,\n");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(3, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, json.GetProperty("rejected").GetInt32());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal(4, error.GetProperty("row").GetInt32());
        Assert.Equal("999.1.1.1", error.GetProperty("ip").GetString());
        Assert.Contains("999.1.1.1", error.GetProperty("error").GetString());
        Assert.Equal(int.MaxValue.ToString(), response.Header("X-Report-Remaining"));
        Assert.True(await FoundAsync("45.60.1.1"));
        Assert.True(await FoundAsync("45.60.1.2"));
        var check = await CheckAsync("45.60.1.1");
        Assert.True(check.GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.Equal("ssh", check.GetProperty("protocols")[0].GetProperty("protocol").GetString());
    }

    [Theory]
    [InlineData("""{"reports":[{"ip":"45.60.2.1","category":"brute_force","protocol":"ssh"},{"ip":"10.1.1.1","category":"ddos"},{"ip":"45.60.2.2","categories":[4,"ddos"],"comment":"x"}]}""")]
    [InlineData("""[{"ip":"45.60.2.1","category":"brute_force","protocol":"ssh"},{"ip":"10.1.1.1","category":"ddos"},{"ip":"45.60.2.2","categories":[4,"ddos"],"comment":"x"}]""")]
    public async Task Json_upload_object_or_bare_array_numbers_rows_by_position(string body)
    {
        var response = await _client.PostRawAsync("/v1/key/bulk-report", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(3, json.GetProperty("total").GetInt32());
        Assert.Equal(2, json.GetProperty("accepted").GetInt32());
        var error = ErrorFor(json, 2);
        Assert.Equal("10.1.1.1", error.GetProperty("ip").GetString());
        Assert.Contains("private", error.GetProperty("error").GetString());
        Assert.True(await FoundAsync("45.60.2.1"));
        Assert.True(await FoundAsync("45.60.2.2"));
        Assert.False(await FoundAsync("10.1.1.1"));
    }

    [Fact]
    public async Task Mixed_file_lists_every_kind_of_bad_row_with_its_line_and_stores_every_good_row()
    {
        var csv = new StringBuilder("ip,category,protocol,comment\r\n")
            .Append("45.60.3.1,brute_force,ssh,ok\r\n")                       // 2 good
            .Append("45.60.3.300,ddos,,\r\n")                                 // 3 bad address
            .Append("192.168.1.7,ddos,,\r\n")                                 // 4 private range
            .Append("45.60.3.2,teleportation,,\r\n")                          // 5 unknown category
            .Append("45.60.3.3,spam,smtp,").Append(new string('c', 1001)).Append("\r\n") // 6 overlong comment
            .Append("45.60.3.4,,,\r\n")                                       // 7 missing category
            .Append(",ddos,,\r\n")                                            // 8 missing address
            .Append("\r\n")                                                   // 9 blank, skipped
            .Append("45.60.3.5,web_exploit,http,\"GET /wp-login.php, twice\"\r\n") // 10 good
            .Append("45.60.3.6,ddos,ssh,a\"b\r\n")                            // 11 stray quote
            .Append("2001:db8::1,ddos,,\r\n")                                 // 12 documentation range
            .Append("45.60.3.7,ddos,ssh,too,many\r\n")                        // 13 too many fields
            .Append("45.60.3.8,port_scan,,\r\n");                             // 14 good
        var response = await UploadCsvAsync(csv.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(12, json.GetProperty("total").GetInt32());
        Assert.Equal(3, json.GetProperty("accepted").GetInt32());
        Assert.Equal(9, json.GetProperty("rejected").GetInt32());
        Assert.Equal([3, 4, 5, 6, 7, 8, 11, 12, 13], json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()));
        Assert.Contains("45.60.3.300", ErrorFor(json, 3).GetProperty("error").GetString());
        Assert.Contains("private", ErrorFor(json, 4).GetProperty("error").GetString());
        Assert.Contains("Unknown category 'teleportation'", ErrorFor(json, 5).GetProperty("error").GetString());
        Assert.Contains("1000", ErrorFor(json, 6).GetProperty("error").GetString());
        Assert.Contains("Missing category", ErrorFor(json, 7).GetProperty("error").GetString());
        Assert.Contains("Missing IP", ErrorFor(json, 8).GetProperty("error").GetString());
        Assert.Equal("", ErrorFor(json, 8).GetProperty("ip").GetString());
        Assert.Contains("quote", ErrorFor(json, 11).GetProperty("error").GetString());
        Assert.Contains("documentation", ErrorFor(json, 12).GetProperty("error").GetString());
        Assert.Contains("5 fields", ErrorFor(json, 13).GetProperty("error").GetString());
        foreach (var good in new[] { "45.60.3.1", "45.60.3.5", "45.60.3.8" })
        {
            Assert.True(await FoundAsync(good), good);
        }

        foreach (var bad in new[] { "45.60.3.2", "45.60.3.3", "45.60.3.4", "45.60.3.6", "45.60.3.7" })
        {
            Assert.False(await FoundAsync(bad), bad);
        }

        Assert.Equal("GET /wp-login.php, twice", (await CheckAsync("45.60.3.5")).GetProperty("reports")[0].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task Semicolons_bom_crlf_field_csv_and_plain_text_csv_are_accepted()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("IP;Category;Protocol;Comment\r\n45.60.4.1;ddos;http;\"a; b, c\"\r\n")).ToArray();
        var semicolons = await (await _client.PostAsync("/v1/key/bulk-report", CliMultipart(bom, "reports.txt", field: "csv"))).JsonAsync();
        Assert.Equal(1, semicolons.GetProperty("accepted").GetInt32());
        Assert.Equal("a; b, c", (await CheckAsync("45.60.4.1")).GetProperty("reports")[0].GetProperty("comment").GetString());

        var plain = await _client.PostRawAsync("/v1/key/bulk-report", "45.60.4.2,spam\n", "text/csv");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.True(await FoundAsync("45.60.4.2"));
    }

    [Fact]
    public async Task Duplicate_rows_are_accepted_and_counted_once()
    {
        var response = await UploadCsvAsync("45.60.5.1,brute_force,ssh,\n45.60.5.1,brute_force,ssh,\n45.60.5.1,port_scan,ssh,\n");
        var json = await response.JsonAsync();
        Assert.Equal(3, json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, json.GetProperty("duplicates").GetInt32());
        Assert.Empty(json.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, (await CheckAsync("45.60.5.1")).GetProperty("totalSessions").GetInt64());

        var again = await (await UploadCsvAsync("45.60.5.1,brute_force,ssh,\n")).JsonAsync();
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(2, (await CheckAsync("45.60.5.1")).GetProperty("totalSessions").GetInt64());
    }

    [Fact]
    public async Task Every_row_is_stored_under_the_id_it_was_answered_with_and_reads_back_the_same_after_a_restart()
    {
        // A bad row in the middle and a row that duplicates an earlier one: the ids of the stored rows must still line up.
        var key = await _host.CreateKeyAsync("enterprise");
        var client = _host.ClientWithKey(key);
        var upload = await (await UploadCsvAsync(
            "IP,Category,Protocol,Port,Comment\n45.60.9.1,brute_force,ssh,22,first\n999.1.1.1,ddos,,,bad\n45.60.9.2,port_scan,tcp,,second\n" +
            "45.60.9.1,brute_force,ssh,22,again\n45.60.9.3,web_exploit,http,8080,third\n", client)).JsonAsync();
        Assert.Equal(4, upload.GetProperty("accepted").GetInt32());
        Assert.Equal(1, upload.GetProperty("duplicates").GetInt32());
        string[] rows = ["45.60.9.1|brute_force", "45.60.9.2|port_scan", "45.60.9.3|web_exploit"];

        // A repeat of each row is answered as a duplicate naming the stored report.
        async Task<string[]> AnswersAsync(HttpClient reporter)
        {
            var answers = new List<string>();
            foreach (var row in rows)
            {
                var (ip, category) = (row.Split('|')[0], row.Split('|')[1]);
                var json = await (await reporter.PostJsonAsync("/v1/key/report", new { ip, category })).JsonAsync();
                Assert.Equal("duplicate", json.GetProperty("status").GetString());
                var check = await (await reporter.GetAsync("/v1/key/check/" + ip)).JsonAsync();
                answers.Add($"{ip} id={json.GetProperty("id").GetInt64()} counted={json.GetProperty("countedAt").GetString()} " +
                    $"sessions={check.GetProperty("totalSessions").GetInt64()}");
            }

            return [.. answers];
        }

        var before = await AnswersAsync(client);
        Assert.Equal(3, before.Select(a => a.Split(' ')[1]).Distinct().Count());

        // Read back from the store alone (no index snapshot): the same reports under the same ids.
        _host.KeepData();
        var data = _host.DataDirectory;
        await _host.StopAsync();
        File.Delete(Path.Combine(data, "index.snapshot"));
        _host = await PalisadeHost.StartAsync(data);
        try
        {
            Assert.Equal(before, await AnswersAsync(_host.ClientWithKey(key)));
        }
        finally
        {
            // DisposeAsync (after the test) finds this host stopped already.
            await _host.DisposeAsync();
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Quota_cuts_off_mid_file_with_a_quota_error_per_row_and_then_answers_429()
    {
        var client = _host.ClientWithKey(await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Report] = 5 }));
        var csv = new StringBuilder("IP,Category\n");
        for (var i = 1; i <= 8; i++)
        {
            csv.Append("45.60.6.").Append(i).Append(",ddos\n");
        }

        var response = await UploadCsvAsync(csv.ToString(), client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(5, json.GetProperty("accepted").GetInt32());
        Assert.Equal(3, json.GetProperty("rejected").GetInt32());
        Assert.Equal([7, 8, 9], json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()));
        Assert.All(json.GetProperty("errors").EnumerateArray(), e => Assert.Contains("quota", e.GetProperty("error").GetString()));
        Assert.Equal("0", response.Header("X-Report-Remaining"));
        Assert.Equal("5", response.Header("X-Report-Limit"));
        Assert.True(await FoundAsync("45.60.6.5"));
        Assert.False(await FoundAsync("45.60.6.6"));

        var spent = await UploadCsvAsync("45.60.6.20,ddos\n", client);
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.Contains("quota", (await spent.JsonAsync()).GetProperty("error").GetString());
        Assert.True(int.Parse(spent.Header("Retry-After")) > 0);
        Assert.False(await FoundAsync("45.60.6.20"));
    }

    private static string Rows(int count, int third)
    {
        var csv = new StringBuilder("IP,Category,Protocol,Comment\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append("46.").Append(third).Append('.').Append(i / 256).Append('.').Append(i % 256).Append(",brute_force,ssh,Failed password\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task Ten_thousand_rows_pass_and_ten_thousand_and_one_get_413_storing_nothing()
    {
        var ok = await UploadCsvAsync(Rows(10_000, 1));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var json = await ok.JsonAsync();
        Assert.Equal(10_000, json.GetProperty("accepted").GetInt32());
        Assert.True(await FoundAsync("46.1.0.0"));
        Assert.True(await FoundAsync("46.1.39.15"));

        var tooMany = await UploadCsvAsync(Rows(10_001, 2));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("10,000 rows", (await tooMany.JsonAsync()).GetProperty("error").GetString());
        Assert.False(await FoundAsync("46.2.0.0"));

        var items = string.Join(',', Enumerable.Range(0, 10_001).Select(i => $$"""{"ip":"46.3.{{i / 256}}.{{i % 256}}","category":"ddos"}"""));
        var jsonTooMany = await _client.PostRawAsync("/v1/key/bulk-report", "{\"reports\":[" + items + "]}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, jsonTooMany.StatusCode);
        Assert.False(await FoundAsync("46.3.0.0"));
    }

    [Fact]
    public async Task Files_over_two_megabytes_get_413_naming_the_limit()
    {
        var big = new StringBuilder("IP,Category,Protocol,Comment\n45.60.7.1,ddos,,\n");
        while (big.Length <= 2 * 1024 * 1024)
        {
            big.Append("45.60.7.2,ddos,ssh,").Append(new string('x', 900)).Append('\n');
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/key/bulk-report") { Content = CliMultipart(Encoding.UTF8.GetBytes(big.ToString())) };
        request.Headers.ExpectContinue = true;
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("2 MB", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.False(await FoundAsync("45.60.7.1"));
    }

    [Fact]
    public async Task Unterminated_quote_refuses_the_upload_naming_the_line_and_stores_nothing()
    {
        var response = await UploadCsvAsync("45.60.8.1,ddos,,ok\n45.60.8.2,ddos,,\"never closed\n45.60.8.3,ddos,,\n");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 2", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.False(await FoundAsync("45.60.8.1"));
    }

    [Fact]
    public async Task Binary_data_is_a_400_never_a_500()
    {
        var random = new byte[64 * 1024];
        new Random(4).NextBytes(random);
        random[10] = 0;
        var response = await _client.PostAsync("/v1/key/bulk-report", CliMultipart(random, "image.png"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("binary", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_two_megabyte_single_line_is_one_rejected_row_not_a_500()
    {
        var line = "45.60.9.1,ddos,ssh," + new string('z', 2 * 1024 * 1024 - 100);
        var response = await UploadCsvAsync(line);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(1, json.GetProperty("rejected").GetInt32());
        Assert.Contains("Comment is longer", ErrorFor(json, 1).GetProperty("error").GetString());
        Assert.False(await FoundAsync("45.60.9.1"));

        var garbage = await UploadCsvAsync(new string('7', 2 * 1024 * 1024 - 10));
        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        var row = ErrorFor(await garbage.JsonAsync(), 1);
        Assert.True(row.GetProperty("ip").GetString()!.Length < 100);
        Assert.True(row.GetProperty("error").GetString()!.Length < 300);
    }

    [Theory]
    [InlineData("{\"reports\":[", "application/json", HttpStatusCode.BadRequest, "JSON")]
    [InlineData("{\"reports\":{}}", "application/json", HttpStatusCode.BadRequest, "reports")]
    [InlineData("", "text/csv", HttpStatusCode.BadRequest, "no reports")]
    [InlineData("IP,Category,Colour\n45.60.10.1,ddos,red\n", "text/csv", HttpStatusCode.BadRequest, "Unknown column 'Colour'")]
    [InlineData("45.60.10.1,ddos", "application/xml", HttpStatusCode.UnsupportedMediaType, "multipart/form-data")]
    public async Task Whole_upload_errors_are_4xx_in_the_native_error_shape(string body, string contentType, HttpStatusCode status, string expected)
    {
        var response = await _client.PostRawAsync("/v1/key/bulk-report", body, contentType);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(expected, (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.False(await FoundAsync("45.60.10.1"));
    }

    [Fact]
    public async Task Multipart_without_a_file_part_or_broken_is_a_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("45.60.11.1,ddos"), "other" } };
        var noFile = await _client.PostAsync("/v1/key/bulk-report", form);
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("'file'", (await noFile.JsonAsync()).GetProperty("error").GetString());

        // Truncated: the closing boundary never comes.
        var truncated = new StringContent("--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n45.60.11.1,ddos");
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=abc");
        var broken = await _client.PostAsync("/v1/key/bulk-report", truncated);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.False(await FoundAsync("45.60.11.1"));
    }

    [Fact]
    public async Task Keys_need_the_bulk_report_feature_and_a_key_at_all()
    {
        var contributor = _host.ClientWithKey(await _host.CreateKeyAsync("contributor"));
        var forbidden = await UploadCsvAsync("45.60.12.1,ddos\n", contributor);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("BulkReport", (await forbidden.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await contributor.PostJsonAsync("/v1/key/report", new { ip = "45.60.12.2", category = "ddos" })).StatusCode);

        var anonymous = await _host.Client.PostAsync("/v1/key/bulk-report", CliMultipart(Encoding.UTF8.GetBytes("45.60.12.1,ddos\n")));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(await FoundAsync("45.60.12.1"));
    }
}
