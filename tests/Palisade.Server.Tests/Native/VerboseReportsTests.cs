using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

/// <summary>Verbose answers list reports with their comments, read from the store (the index keeps no comments in memory).</summary>
public sealed class VerboseReportsTests
{
    private static readonly string[] Categories =
        ["brute_force", "port_scan", "ddos", "web_exploit", "sql_injection", "phishing", "spam", "bad_bot", "exploited_host", "malware", "dns_abuse", "open_proxy"];

    private static async Task<string?[]> CommentsAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        var reports = path.StartsWith("/v1/key/", StringComparison.Ordinal) ? json.GetProperty("reports") : json.GetProperty("data").GetProperty("reports");
        return [.. reports.EnumerateArray().Select(r => r.GetProperty("comment").GetString())];
    }

    [Fact]
    public async Task A_verbose_check_lists_the_ten_latest_reports_with_their_comments_before_and_after_a_restart()
    {
        var data = TempDirectory.Create();
        var expected = Enumerable.Range(3, 10).Reverse().Select(n => $"report {n}").ToArray();
        await using (var host = await PalisadeHost.StartAsync(data))
        {
            host.KeepData();
            using var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
            for (var n = 1; n <= 12; n++)
            {
                var response = await client.PostJsonAsync("/v1/key/report",
                    new { ip = "45.33.40.1", category = Categories[n - 1], protocol = "ssh", comment = $"report {n}" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(expected, await CommentsAsync(client, "/v1/key/check/45.33.40.1"));
            await host.StopAsync();
        }

        await using var restarted = await PalisadeHost.StartAsync(data);
        using var again = restarted.ClientWithKey(await restarted.CreateKeyAsync("enterprise"));
        Assert.Equal(expected, await CommentsAsync(again, "/v1/key/check/45.33.40.1"));
        Assert.Equal(expected, await CommentsAsync(again, "/v1/key/check/45.33.40.1?verbose=true&maxAge=30"));
        using var reportedIp = new HttpClient { BaseAddress = restarted.BaseAddress };
        reportedIp.DefaultRequestHeaders.Add("X-Key", await restarted.CreateKeyAsync("enterprise"));
        Assert.Equal(expected, await CommentsAsync(reportedIp, "/wp-json/reportedip/v2/check?ip=45.33.40.1&verbose=true"));

        // A new report changes the answer at once (the cached answer is not served past it).
        Assert.Equal(HttpStatusCode.OK, (await again.PostJsonAsync("/v1/key/report",
            new { ip = "45.33.40.1", category = "fraud", protocol = "ssh", comment = "report 13" })).StatusCode);
        Assert.Equal("report 13", (await CommentsAsync(again, "/v1/key/check/45.33.40.1"))[0]);
    }
}
