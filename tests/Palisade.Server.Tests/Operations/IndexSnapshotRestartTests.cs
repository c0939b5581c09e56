using System.Net;
using System.Net.Http.Headers;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

/// <summary>
/// Restarts read the index snapshot and replay only what was stored after it (issue 15), and answer exactly as before:
/// reports accepted after the snapshot survive a kill -9, withdrawals made after it stay withdrawn, and a damaged
/// snapshot or one of another database is not used (every report is loaded from the store instead).
/// </summary>
public sealed class IndexSnapshotRestartTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();
    private readonly string _other = TempDirectory.Create();

    public void Dispose()
    {
        TempDirectory.Delete(_data);
        TempDirectory.Delete(_other);
    }

    private static async Task<string> KeyAsync(string data)
    {
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", data, "--tier", "enterprise", "--name", "snapshot");
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }

    private static HttpClient Client(PalisadeProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.Add("Key", key); // the AbuseIPDB face's header
        return client;
    }

    private static async Task ReportAsync(HttpClient client, string ip, string category, string comment)
    {
        var response = await client.PostJsonAsync("/v1/key/report", new { ip, category, protocol = "ssh", port = 22, comment });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // The answer with its fractional numbers blanked: the score breakdown decays by the second (half-lives are days), and
    // everything else (score, counts, reports, comments, times) must be exactly as before.
    private static async Task<string> CheckAsync(HttpClient client, string ip)
    {
        var response = await client.GetAsync($"/v1/key/check/{ip}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.RegularExpressions.Regex.Replace(await response.Content.ReadAsStringAsync(), @"-?\d+\.\d+(e-?\d+)?", "#");
    }

    [Fact]
    public async Task A_restart_reads_the_snapshot_replays_what_came_after_it_and_answers_as_before_even_after_a_kill_9()
    {
        var key = await KeyAsync(_data);
        string first, second;
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            using var client = Client(server, key);
            await ReportAsync(client, "45.60.0.1", "brute_force", "one");
            await ReportAsync(client, "45.60.0.2", "port_scan", "two");
            await ReportAsync(client, "45.60.0.2", "web_exploit", "three");
            first = await CheckAsync(client, "45.60.0.1");
            second = await CheckAsync(client, "45.60.0.2");
            await server.StopAsync();
            Assert.Contains("Index snapshot written: 2 addresses, 3 reports", server.Output, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(_data, "index.snapshot")));
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            await server.WaitForOutputAsync("2 addresses from the index snapshot");
            await server.WaitForOutputAsync("0 reports stored after it replayed");
            using var client = Client(server, key);
            Assert.Equal(first, await CheckAsync(client, "45.60.0.1"));
            Assert.Equal(second, await CheckAsync(client, "45.60.0.2"));

            // After the snapshot: a report (answered 200) and a withdrawal, then a crash before any new snapshot.
            await ReportAsync(client, "45.60.0.3", "ddos", "four");
            Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("/api/v2/clear-address?ipAddress=45.60.0.1")).StatusCode);
            server.Kill();
        }

        string third;
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            await server.WaitForOutputAsync("from the index snapshot");
            await server.WaitForOutputAsync("1 reports stored after it replayed, 1 addresses re-read after withdrawals");
            using var client = Client(server, key);
            Assert.Contains("\"found\":false", await CheckAsync(client, "45.60.0.1"), StringComparison.Ordinal);
            Assert.Equal(second, await CheckAsync(client, "45.60.0.2"));
            third = await CheckAsync(client, "45.60.0.3");
            Assert.Contains("\"found\":true", third, StringComparison.Ordinal);
            server.Kill();
        }

        // A damaged snapshot: refused (by its checksum, or before it by what the damaged byte broke: the byte in the middle
        // falls on another field from run to run, as the addresses' order follows the table's random hash key), the store
        // is loaded, the answers are the same.
        var path = Path.Combine(_data, "index.snapshot");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(path, bytes);
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            await server.WaitForOutputAsync("was not used: The index snapshot");
            await server.WaitForOutputAsync("Engine ready: 3 reports of 2 addresses loaded from");
            using var client = Client(server, key);
            Assert.Contains("\"found\":false", await CheckAsync(client, "45.60.0.1"), StringComparison.Ordinal);
            Assert.Equal(second, await CheckAsync(client, "45.60.0.2"));
            Assert.Equal(third, await CheckAsync(client, "45.60.0.3"));
        }
    }

    [Fact]
    public async Task A_snapshot_of_another_database_is_not_used()
    {
        var key = await KeyAsync(_data);
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            using var client = Client(server, key);
            await ReportAsync(client, "45.61.0.1", "brute_force", "one");
            await ReportAsync(client, "45.61.0.2", "brute_force", "two");
            await server.StopAsync();
        }

        // Another installation's data folder with this one's snapshot copied in (a restored backup looks the same).
        var otherKey = await KeyAsync(_other);
        using (var server = await PalisadeProcess.ServeAsync(_other))
        {
            using var client = Client(server, otherKey);
            await ReportAsync(client, "45.61.0.9", "spam", "elsewhere");
            server.Kill();
        }

        File.Copy(Path.Combine(_data, "index.snapshot"), Path.Combine(_other, "index.snapshot"), overwrite: true);
        using (var server = await PalisadeProcess.ServeAsync(_other))
        {
            await server.WaitForOutputAsync("was not used: its last report (id 2) is not in this store");
            using var client = Client(server, otherKey);
            Assert.Contains("\"found\":false", await CheckAsync(client, "45.61.0.1"), StringComparison.Ordinal);
            Assert.Contains("\"found\":true", await CheckAsync(client, "45.61.0.9"), StringComparison.Ordinal);
        }
    }
}
