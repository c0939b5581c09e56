using System.Net;
using System.Net.Http.Headers;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>The README's promise: a crash forgets at most a second of counting and never grants a fresh quota.</summary>
public sealed class QuotaCrashTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    [Fact]
    public async Task A_kill_9_right_after_using_up_a_quota_keeps_it_used_up()
    {
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "crash", "--limit", "check=3");
        Assert.True(code == 0, stderr);
        var key = stdout.Trim();
        // A long flush interval: only the write at exhaustion can save the count before the kill.
        var slowFlush = new Dictionary<string, string> { ["PALISADE_Palisade__QuotaFlushInterval"] = "00:10:00" };
        using (var server = await PalisadeProcess.ServeAsync(_data, environment: slowFlush))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
            }

            server.Kill();
        }

        using var restarted = await PalisadeProcess.ServeAsync(_data, environment: slowFlush);
        using var again = new HttpClient { BaseAddress = restarted.BaseAddress };
        again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await again.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
    }
}
