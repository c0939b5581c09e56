using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Palisade.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Palisade.Server.Tests.Native;

/// <summary>Kills a real <c>palisade serve</c> process (SIGKILL) while it stores a 10,000-row upload.</summary>
public sealed class BulkDurabilityTests(ITestOutputHelper output)
{
    private const int Rows = 10_000;

    private static byte[] Upload(int attempt)
    {
        var csv = new StringBuilder("IP,Category,Protocol,Comment\n");
        for (var i = 0; i < Rows; i++)
        {
            csv.Append("48.").Append(attempt).Append('.').Append(i / 256).Append('.').Append(i % 256).Append(",brute_force,ssh,\"Failed password, attempt ").Append(i).Append("\"\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static string Addresses(int attempt)
        => string.Concat(Enumerable.Range(0, Rows).Select(i => $"48.{attempt}.{i / 256}.{i % 256}\n"));

    private static HttpClient ClientFor(PalisadeProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<int> FoundAsync(PalisadeProcess server, string key, int attempt)
    {
        using var client = ClientFor(server, key);
        var response = await client.PostRawAsync("/v1/key/bulk-check-inline", Addresses(attempt), "text/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("found").GetInt32();
    }

    [Fact]
    public async Task A_server_killed_during_an_upload_keeps_none_or_all_of_it_and_an_answered_upload_survives_a_kill()
    {
        var data = TempDirectory.Create();
        try
        {
            var created = await PalisadeProcess.RunAsync("keys", "create", "--data", data, "--tier", "enterprise", "--name", "bulk-durability");
            Assert.Equal(0, created.ExitCode);
            var key = created.Stdout.Trim();

            // Attempt 0 runs to its answer and is killed right after it: a 200 means every row is on disk.
            var server = await PalisadeProcess.ServeAsync(data);
            TimeSpan full;
            using (var client = ClientFor(server, key))
            {
                var clock = Stopwatch.StartNew();
                var response = await client.PostAsync("/v1/key/bulk-report", BulkReportEndpointTests.CliMultipart(Upload(0)));
                full = clock.Elapsed;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                server.Kill();
                server.Dispose();
            }

            server = await PalisadeProcess.ServeAsync(data);
            Assert.Equal(Rows, await FoundAsync(server, key, 0));

            // Then kills at points spread over the time an upload takes: before, during and after the transaction.
            double[] fractions = [0.25, 0.35, 0.42, 0.5, 0.58, 0.7];
            for (var attempt = 1; attempt <= fractions.Length; attempt++)
            {
                var answered = false;
                using (var client = ClientFor(server, key))
                {
                    var upload = client.PostAsync("/v1/key/bulk-report", BulkReportEndpointTests.CliMultipart(Upload(attempt)));
                    await Task.Delay(full * fractions[attempt - 1]);
                    server.Kill();
                    try
                    {
                        answered = (await upload).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                    }

                    server.Dispose();
                }

                server = await PalisadeProcess.ServeAsync(data);
                var found = await FoundAsync(server, key, attempt);
                output.WriteLine($"kill after {fractions[attempt - 1]:P0} of {full.TotalMilliseconds:F0} ms: answered={answered}, rows stored={found}");
                Assert.True(found is 0 or Rows, $"attempt {attempt}: {found} of {Rows} rows survived the kill");
                if (answered)
                {
                    Assert.Equal(Rows, found);
                }
            }

            server.Dispose();
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
