using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Core.Keys;
using Palisade.Core.Storage;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cli;

/// <summary>The real <c>palisade</c> binary as a client of a running server: every answer it prints comes over HTTP.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;
    private readonly string _folder = TempDirectory.Create();

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("enterprise");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        TempDirectory.Delete(_folder);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunWithKeyAsync(string key, params string[] arguments)
        => PalisadeProcess.RunAsync([.. arguments, "--server", _host.BaseAddress.ToString().TrimEnd('/'), "--key", key]);

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) => RunWithKeyAsync(_key, arguments);

    private async Task ReportAsync(string key, string ip, string category = "brute_force")
    {
        using var client = _host.ClientWithKey(key);
        var response = await client.PostJsonAsync("/v1/key/report", new { ip, category, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> ApiAsync(string path)
    {
        using var client = _host.ClientWithKey(_key);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Check_shows_a_reported_addresses_score_band_and_categories()
    {
        await ReportAsync(_key, "45.33.32.156");
        await ReportAsync(_key, "45.33.32.156", "port_scan");
        var score = (await ApiAsync("/v1/key/check/45.33.32.156")).GetProperty("confidenceLevel").GetInt32();
        Assert.True(score > 0);

        var (code, stdout, stderr) = await RunAsync("check", "45.33.32.156", "--verbose");

        Assert.True(code == 0, stderr);
        Assert.Contains($"45.33.32.156: score {score}/100 (", stdout);
        Assert.Contains("brute_force ×1", stdout);
        Assert.Contains("port_scan ×1", stdout);
        Assert.Contains("Last seen:", stdout);
        Assert.Contains("Score breakdown:", stdout);
        Assert.Contains("Quota: unlimited", stdout);

        var unknown = await RunAsync("check", "45.33.99.99");
        Assert.Equal(0, unknown.ExitCode);
        Assert.Contains("45.33.99.99: not reported. Score 0/100", unknown.Stdout);
    }

    [Fact]
    public async Task Report_then_check_sees_the_report_and_bad_input_is_refused_before_any_request()
    {
        var (code, stdout, stderr) = await RunAsync("report", "45.33.40.7", "--category", "brute_force", "--category", "4",
            "--protocol", "ssh", "--port", "22", "--username", "root", "--comment", "30 failed logins");
        Assert.True(code == 0, stderr);
        Assert.Matches(@"Report #\d+ accepted for 45\.33\.40\.7 \(brute_force, web_exploit\)\. Score now \d+/100", stdout);

        var again = await RunAsync("report", "45.33.40.7", "--category", "brute_force");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Duplicate:", again.Stdout);

        var check = await RunAsync("check", "45.33.40.7", "--json");
        Assert.Equal(0, check.ExitCode);
        var body = JsonDocument.Parse(check.Stdout).RootElement;
        Assert.True(body.GetProperty("found").GetBoolean());
        var categories = body.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToHashSet();
        Assert.Equal(["brute_force", "web_exploit"], categories);
        var report = body.GetProperty("reports")[0];
        Assert.Equal(22, report.GetProperty("port").GetInt32());
        Assert.Equal("30 failed logins", report.GetProperty("comment").GetString());

        // Refused locally: the server named is unreachable, so exit 2 (not 5) proves no request was attempted.
        var unreachable = $"http://127.0.0.1:{Alerts.FreePort.Lasting()}";
        foreach (var arguments in new[]
                 {
                     new[] { "report", "999.1.1.1", "--category", "brute_force" },
                     ["report", "10.0.0.7", "--category", "brute_force"],
                     ["report", "45.33.40.8", "--category", "teleportation"],
                     ["report", "45.33.40.8", "--category", "brute_force", "--port", "70000"],
                     ["report", "45.33.40.8"],
                     ["check", "not-an-address"],
                     ["check"],
                     ["blacklist", "--format", "xml"],
                     ["blacklist", "--ip-version", "5"],
                     ["blacklist", "--score-minimum", "abc"],
                 })
        {
            var refused = await PalisadeProcess.RunAsync([.. arguments, "--server", unreachable, "--key", _key]);
            Assert.True(refused.ExitCode == 2, $"{string.Join(' ', arguments)} → {refused.ExitCode}: {refused.Stderr}");
            Assert.NotEqual(string.Empty, refused.Stderr.Trim());
            Assert.DoesNotContain(_key, refused.Stdout + refused.Stderr);
        }

        var teleport = await PalisadeProcess.RunAsync("report", "45.33.40.8", "--category", "teleportation", "--server", unreachable, "--key", _key);
        Assert.Contains("Unknown category 'teleportation'", teleport.Stderr);
    }

    [Fact]
    public async Task Bulk_report_of_25000_rows_goes_in_3_chunks_stores_every_good_row_and_names_bad_rows_by_file_line()
    {
        var csv = new StringBuilder("IP,Category,Protocol,Comment\n");
        var badLines = new Dictionary<int, string> { [12_346] = "999.1.1.1", [24_002] = "10.0.0.7" };
        for (var i = 0; i < 25_000; i++)
        {
            var line = i + 2;
            var ip = badLines.TryGetValue(line, out var bad) ? bad : $"82.{10 + (i / 62_500)}.{i / 250 % 250}.{1 + (i % 250)}";
            // Every 1,000th row has a quoted comment with a line break, so records span lines and line numbers shift.
            csv.Append(i % 1_000 == 999 ? $"{ip},brute_force,ssh,\"two\nlines\"\n" : $"{ip},brute_force,ssh,row {i}\n");
        }

        var file = Path.Combine(_folder, "reports.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        // The bad rows' file lines, counting the extra line of each two-line comment before them.
        var expectedLines = badLines.Keys.Select(l => l + ((l - 2) / 1_000)).ToList();
        var text = csv.ToString().Split('\n');
        foreach (var (line, (_, ip)) in expectedLines.Zip(badLines))
        {
            Assert.StartsWith(ip + ",", text[line - 1]);
        }

        var (code, stdout, stderr) = await RunAsync("bulk-report", file);

        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains("chunk 1/3", stderr);
        Assert.Contains("chunk 3/3", stderr);
        Assert.DoesNotContain("chunk 4", stderr);
        Assert.Contains("25,000 rows uploaded in 3 chunks", stdout);
        Assert.Contains("Accepted:   24,998", stdout);
        Assert.Contains("Rejected:   2", stdout);
        Assert.Contains($"line {expectedLines[0]}: 999.1.1.1:", stdout);
        Assert.Contains($"line {expectedLines[1]}: 10.0.0.7:", stdout);

        var stored = await _host.Service<IReportStore>().CountByKeyAsync(CancellationToken.None);
        Assert.Equal(24_998, stored.Values.Sum());
        var last = await ApiAsync($"/v1/key/check/82.10.99.250");
        Assert.True(last.GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Blacklist_plaintext_to_a_file_has_the_listed_addresses()
    {
        string[] listed = ["45.33.50.1", "45.33.50.2", "2a01:4f8:1:2::3"];
        foreach (var ip in listed)
        {
            await ReportAsync(_key, ip);
        }

        var output = Path.Combine(_folder, "blocklist.txt");
        var (code, stdout, stderr) = await RunAsync("blacklist", "--format", "plaintext", "--score-minimum", "1", "--output", output);

        Assert.True(code == 0, stderr);
        var lines = (await File.ReadAllLinesAsync(output)).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        Assert.Equal(listed.ToHashSet(), lines);
        Assert.Contains($"to {output}: 3 matching addresses", stdout);

        var ipv4 = await RunAsync("blacklist", "--plaintext", "--score-minimum", "1", "--ip-version", "4");
        Assert.Equal(0, ipv4.ExitCode);
        Assert.Equal(["45.33.50.1", "45.33.50.2"], ipv4.Stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Order());
    }

    [Fact]
    public async Task Json_output_is_the_apis_json()
    {
        await ReportAsync(_key, "45.33.60.1");
        var (code, stdout, _) = await RunAsync("check", "45.33.60.1", "--json");
        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse((await ApiAsync("/v1/key/check/45.33.60.1")).GetRawText()), JsonNode.Parse(stdout)));

        var api = await ApiAsync("/v1/key/status");
        var status = await RunAsync("status", "--json");
        Assert.Equal(0, status.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(api.GetRawText()), JsonNode.Parse(status.Stdout)));

        var blacklist = await RunAsync("blacklist", "--json", "--score-minimum", "1");
        Assert.Equal(0, blacklist.ExitCode);
        var data = JsonDocument.Parse(blacklist.Stdout).RootElement.GetProperty("data");
        Assert.Equal("45.33.60.1", data[0].GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Taxii_objects_pages_through_every_indicator()
    {
        var sensor = await _host.CreateKeyAsync("honeypot");
        string[] addresses = [.. Enumerable.Range(1, 5).Select(i => $"45.33.70.{i}")];
        foreach (var ip in addresses)
        {
            await ReportAsync(sensor, ip);
        }

        // The feed publishes in the background: wait until the server itself lists all five.
        using (var client = _host.ClientWithKey(_key))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var page = await (await client.GetAsync("/taxii2/collections/sikker-threat-intel/objects/?limit=1000")).JsonAsync();
                var count = page.TryGetProperty("objects", out var objects) ? objects.EnumerateArray().Count(o => o.GetProperty("type").GetString() == "indicator") : 0;
                if (count == addresses.Length)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"only {count} indicators published");
                await Task.Delay(100);
            }
        }

        var (code, stdout, stderr) = await RunAsync("taxii", "objects", "sikker-threat-intel", "--limit", "2", "--all", "--json");
        Assert.True(code == 0, stderr);
        var all = JsonDocument.Parse(stdout).RootElement.GetProperty("objects").EnumerateArray()
            .Where(o => o.GetProperty("type").GetString() == "indicator").ToList();
        Assert.Equal(addresses.Length, all.Count);
        Assert.Equal(all.Count, all.Select(o => o.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(addresses.Select(ip => $"[ipv4-addr:value = '{ip}']").Order(), all.Select(o => o.GetProperty("pattern").GetString()).Order());

        var firstPage = await RunAsync("taxii", "objects", "sikker-threat-intel", "--limit", "2");
        Assert.Equal(0, firstPage.ExitCode);
        Assert.Contains("More: palisade taxii objects sikker-threat-intel --next ", firstPage.Stdout);
        var next = firstPage.Stdout.Split('\n').Single(l => l.StartsWith("More:", StringComparison.Ordinal)).Split("--next ")[1].Split(' ')[0];
        var secondPage = await RunAsync("taxii", "objects", "sikker-threat-intel", "--limit", "2", "--next", next);
        Assert.Equal(0, secondPage.ExitCode);
        Assert.Contains("objects in 1 page", secondPage.Stdout);
        Assert.NotEqual(firstPage.Stdout.Split('\n')[0], secondPage.Stdout.Split('\n')[0]);

        var collections = await RunAsync("taxii", "collections");
        Assert.Equal(0, collections.ExitCode);
        Assert.Contains("sikker-threat-intel", collections.Stdout);
        Assert.Contains("high-confidence", collections.Stdout);
    }

    [Fact]
    public async Task Status_shows_quota_use_and_an_exhausted_quota_exits_4()
    {
        var key = await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 3 }, name: "cli-status");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(0, (await RunWithKeyAsync(key, "check", "45.33.80.1")).ExitCode);
        }

        var (code, stdout, stderr) = await RunWithKeyAsync(key, "status");
        Assert.True(code == 0, stderr);
        Assert.Contains("Key:   cli-status", stdout);
        Assert.Contains("Tier:  Free (free)", stdout);
        Assert.Matches(@"lookups\s+2\s+3\s+1\b", stdout);
        Assert.Matches(@"reports\s+0\s+1,000\s+1,000\b", stdout);
        Assert.Contains("Quotas reset at", stdout);

        Assert.Equal(0, (await RunWithKeyAsync(key, "check", "45.33.80.1")).ExitCode);
        var exhausted = await RunWithKeyAsync(key, "check", "45.33.80.1");
        Assert.Equal(4, exhausted.ExitCode);
        Assert.Contains("Quota exhausted (HTTP 429)", exhausted.Stderr);
        Assert.Matches(@"resets in \d+", exhausted.Stderr);
    }

    [Fact]
    public async Task A_wrong_key_exits_3_without_echoing_the_key()
    {
        var wrong = "sk_free_" + new string('x', 32);
        var (code, stdout, stderr) = await RunWithKeyAsync(wrong, "check", "45.33.32.156");
        Assert.Equal(3, code);
        Assert.Contains("HTTP 401", stderr);
        Assert.DoesNotContain(wrong, stdout + stderr);
        Assert.DoesNotContain("xxxxxxxx", stdout + stderr);

        var none = await PalisadeProcess.RunAsync("status", "--server", _host.BaseAddress.ToString());
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("No API key", none.Stderr);
    }

    [Fact]
    public async Task An_unreachable_server_exits_5_with_a_clear_message()
    {
        var server = $"http://127.0.0.1:{Alerts.FreePort.Lasting()}";
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("status", "--server", server, "--key", _key);
        Assert.Equal(5, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"Cannot reach the Palisade server at {server}", stderr);
        Assert.DoesNotContain(_key, stderr);
    }
}
