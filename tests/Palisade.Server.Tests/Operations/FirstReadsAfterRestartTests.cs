using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

/// <summary>
/// Right after a restart the first blocklist build, the rendering of the full plaintext list and the TAXII heads load
/// run beside the first requests (issue 15): a firewall's list and a SIEM's first TAXII page asked for at once must be
/// complete and the same as before the restart and as later, and a report taken after the start must be on the next list.
/// </summary>
public sealed class FirstReadsAfterRestartTests : IDisposable
{
    private const string FirstPage = "/taxii2/palisade/collections/e5d8fafc-7b8d-5f7b-b413-1dacccabb811/objects/?limit=1000";
    private static readonly string[] Categories = ["brute_force", "port_scan", "web_exploit", "ddos", "spam"];

    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    private static HttpClient Client(PalisadeProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static HttpClient TaxiiClient(PalisadeProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("siem:" + key)));
        client.DefaultRequestHeaders.Accept.ParseAdd("application/taxii+json;version=2.1");
        return client;
    }

    private static async Task<string> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    // The plaintext lists firewalls pull (the full one, and one from the middle score up: assembled from the full list's
    // pieces), a CSV list, and the TAXII first page.
    private static async Task<string[]> ReadsAsync(HttpClient client, HttpClient taxii, int middle)
        =>
        [
            await ReadAsync(taxii, FirstPage),
            await ReadAsync(client, "/v1/key/blacklist?scoreMinimum=0&plaintext=true"),
            await ReadAsync(client, $"/v1/key/blacklist?scoreMinimum={middle}&plaintext=true"),
            await ReadAsync(client, "/v1/key/blacklist?format=csv&scoreMinimum=0"),
        ];

    private static string[] Lines(string list) => list.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    // The page as bytes; the lists as sets: the order of equal scores is the slots', which a restart assigns anew.
    private static void AssertSameReads(string[] expected, string[] actual)
    {
        Assert.Equal(expected[0], actual[0]);
        for (var i = 1; i < expected.Length; i++)
        {
            Assert.Equal(Lines(expected[i]).Order(StringComparer.Ordinal), Lines(actual[i]).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Lists_and_the_first_TAXII_page_asked_for_right_after_a_restart_are_complete_and_as_before_and_later()
    {
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "enterprise", "--name", "first-reads");
        Assert.True(code == 0, stderr);
        var key = stdout.Trim();
        const int addresses = 3_000;
        string[] before;
        int middle;
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            using var client = Client(server, key);
            using var taxii = TaxiiClient(server, key);
            for (var batch = 0; batch < 3; batch++)
            {
                // Several categories per address for some, so the scores spread over the range.
                var reports = Enumerable.Range(batch * 1_000, 1_000)
                    .SelectMany(i => Enumerable.Range(0, 1 + (i % 4)).Select(n => new { ip = $"45.62.{i / 250}.{i % 250}", category = Categories[(i + n) % 5] }))
                    .ToArray();
                var response = await client.PostJsonAsync("/v1/key/bulk-report", new { reports });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var scores = Lines(await ReadAsync(client, "/v1/key/blacklist?format=csv&scoreMinimum=0")).Skip(1)
                .Select(line => int.Parse(line.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            middle = scores[scores.Count / 2];
            Assert.True(scores[0] < middle, "the scores spread");
            before = await ReadsAsync(client, taxii, middle);
            Assert.Equal(addresses, Lines(before[1]).Length);
            Assert.Contains("\"more\":true", before[0], StringComparison.Ordinal);
            await server.StopAsync();
        }

        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            await server.WaitForOutputAsync("from the index snapshot");
            // The full list saved at the shutdown is what the first pull gets until the first build is done; read once.
            await server.WaitForOutputAsync("The full list saved at shutdown (3000 addresses) is served");
            Assert.False(File.Exists(Path.Combine(_data, "full-list.saved")));
            using var client = Client(server, key);
            using var taxii = TaxiiClient(server, key);

            // At once: the first build and the heads load may still be running. The same page and the same lists.
            var first = await ReadsAsync(client, taxii, middle);
            AssertSameReads(before, first);

            // Later, once the start-up work is done, a warm server answers the same bytes.
            await server.WaitForOutputAsync("First blocklist snapshot built and its full plaintext list (3000 addresses) rendered");
            await server.WaitForOutputAsync("TAXII publisher loaded");
            // One after the other, the lists first: side by side each took as long as both (StartupLoads.FirstBuildAsync).
            Assert.True(server.Output.IndexOf("First blocklist snapshot built", StringComparison.Ordinal)
                < server.Output.IndexOf("TAXII publisher loaded", StringComparison.Ordinal), server.Output);
            // Then the heap the loads grew is compacted once and given back (docs/performance.md "Memory per address").
            await server.WaitForOutputAsync("Start-up loads done; the heap compacted");
            // (The full list read at once may be the one saved at the shutdown, its equal scores in the old slots' order.)
            AssertSameReads(first, await ReadsAsync(client, taxii, middle));

            // A report taken after the start is on the next list of every minimum it reaches.
            var report = await client.PostJsonAsync("/v1/key/report", new { ip = "45.62.200.1", category = "ddos" });
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            var after = await ReadsAsync(client, taxii, middle);
            Assert.Equal(Lines(first[1]).Append("45.62.200.1").Order(StringComparer.Ordinal), Lines(after[1]).Order(StringComparer.Ordinal));
            Assert.Contains("\n45.62.200.1,", after[3], StringComparison.Ordinal);
        }
    }

    private static async Task<(string Body, long Remaining)> ReadChargedAsync(HttpClient client, string path, string remainingHeader)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(),
            long.Parse(response.Headers.GetValues(remainingHeader).Single(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_reads_the_server_answers_itself_before_listening_after_a_restart_are_charged_to_no_one_and_change_no_answer()
    {
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "enterprise", "--name", "warm-up",
            "--limit", "taxii=100000", "--limit", "blacklist=100000");
        Assert.True(code == 0, stderr);
        var key = stdout.Trim();
        const int addresses = 6_000; // a list of ~80 KB: more than one slice of the saved list's answer
        (string Body, long Remaining) page, list;
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            using var client = Client(server, key);
            using var taxii = TaxiiClient(server, key);
            var reports = Enumerable.Range(0, addresses).Select(i => new { ip = $"45.63.{i / 250}.{i % 250}", category = Categories[i % 5] }).ToArray();
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/bulk-report", new { reports })).StatusCode);
            page = await ReadChargedAsync(taxii, FirstPage, "X-TAXII-Remaining");
            list = await ReadChargedAsync(client, "/v1/key/blacklist?scoreMinimum=0&plaintext=true", "X-Blacklist-Remaining");
            Assert.Equal(addresses, Lines(list.Body).Length);
            await server.StopAsync();
        }

        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            await server.WaitForOutputAsync($"The full list saved at shutdown ({addresses} addresses) is served");
            await server.WaitForOutputAsync("First reads warmed");
            using var client = Client(server, key);
            using var taxii = TaxiiClient(server, key);
            var pageAfter = await ReadChargedAsync(taxii, FirstPage, "X-TAXII-Remaining");
            var listAfter = await ReadChargedAsync(client, "/v1/key/blacklist?scoreMinimum=0&plaintext=true", "X-Blacklist-Remaining");

            // The same answers, and each charged once: the server's own reads before listening cost the key nothing.
            Assert.Equal(page.Body, pageAfter.Body);
            Assert.Equal(100_000 - page.Remaining, page.Remaining - pageAfter.Remaining); // one unit per indicator on the page
            Assert.Equal(Lines(list.Body).Order(StringComparer.Ordinal), Lines(listAfter.Body).Order(StringComparer.Ordinal));
            Assert.EndsWith("\n", listAfter.Body, StringComparison.Ordinal);
            Assert.Equal(100_000 - addresses, list.Remaining);
            Assert.Equal(list.Remaining - addresses, listAfter.Remaining);
        }
    }

    [Fact]
    public async Task A_full_list_too_large_for_the_render_cache_is_saved_at_shutdown_and_served_whole_after_the_restart()
    {
        // No rendered list kept between pulls: each is rendered while it is sent, as the full list is at millions of
        // addresses with the default cache. It is saved at shutdown all the same, its length written after it.
        var environment = new Dictionary<string, string> { ["Palisade__BlocklistRenderCacheBytes"] = "0" };
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "enterprise", "--name", "streamed");
        Assert.True(code == 0, stderr);
        var key = stdout.Trim();
        const int addresses = 6_000;
        string before;
        using (var server = await PalisadeProcess.ServeAsync(_data, environment: environment))
        {
            using var client = Client(server, key);
            var reports = Enumerable.Range(0, addresses).Select(i => new { ip = $"45.64.{i / 250}.{i % 250}", category = Categories[i % 5] }).ToArray();
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/bulk-report", new { reports })).StatusCode);
            before = await ReadAsync(client, "/v1/key/blacklist?scoreMinimum=0&plaintext=true");
            Assert.Equal(addresses, Lines(before).Length);
            await server.StopAsync();
            Assert.Contains($"Full list saved for the next start: {addresses} addresses", server.Output, StringComparison.Ordinal);
        }

        using (var server = await PalisadeProcess.ServeAsync(_data, environment: environment))
        {
            await server.WaitForOutputAsync($"The full list saved at shutdown ({addresses} addresses) is served");
            using var client = Client(server, key);
            var after = await ReadAsync(client, "/v1/key/blacklist?scoreMinimum=0&plaintext=true");
            Assert.Equal(Lines(before).Order(StringComparer.Ordinal), Lines(after).Order(StringComparer.Ordinal));
            Assert.EndsWith("\n", after, StringComparison.Ordinal);
        }
    }
}
