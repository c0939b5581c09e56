using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>What a real <c>palisade serve</c> writes to its log: no secrets at any level, no raw control characters,
/// and under the shipped defaults no line per request.</summary>
public sealed class LoggingTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    private static Dictionary<string, string> Levels(string level) => new()
    {
        ["Logging__LogLevel__Default"] = level,
        ["Logging__LogLevel__Microsoft"] = level,
        ["Logging__LogLevel__Microsoft.AspNetCore"] = level,
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = level,
        ["Logging__LogLevel__System"] = level,
        ["Logging__LogLevel__Palisade"] = level,
    };

    private async Task<string> CreateKeyAsync()
    {
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "free", "--name", "logs");
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }

    /// <summary>Sends a request line exactly as written (HttpClient would normalise it).</summary>
    private static async Task<string> RawGetAsync(Uri server, string target, string extraHeaders = "")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {server.Authority}\r\n{extraHeaders}Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task WaitForAsync(PalisadeProcess server, Func<string, bool> condition)
    {
        for (var i = 0; i < 100 && !condition(server.Output); i++)
        {
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_debug_log_holds_no_key_and_no_raw_control_character()
    {
        var key = await CreateKeyAsync();
        using var server = await PalisadeProcess.ServeAsync(_data, environment: Levels("Debug"));

        // The key in the query (plain, percent-encoded name, AbuseIPDB-style name), CR/LF and ESC in the path.
        var answer = await RawGetAsync(server.BaseAddress, $"/v1/key/check/45.33.32.156%0D%0Ainfo:%20forged-line%1B[31m?key={key}");
        Assert.StartsWith("HTTP/1.1 ", answer);
        await RawGetAsync(server.BaseAddress, $"/v1/key/check/45.33.32.156?verbose=1&k%65y={key}");
        await RawGetAsync(server.BaseAddress, $"/api/v2/check?ipAddress=45.33.32.156&api_key={key}");
        await RawGetAsync(server.BaseAddress, $"/v1/key/status?key={key}", "User-Agent: probe\u001b]0;owned\u0007\r\n");
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var report = await client.PostAsync("/v1/key/report", new StringContent(
            "{\"ip\":\"45.33.32.156\",\"category\":\"brute_force\",\"comment\":\"x\\r\\ninfo: forged-body\\u001b[2J\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        await WaitForAsync(server, output => output.Split("Request finished").Length > 5);

        var output = server.Output;
        // The requests were logged (at Debug the hosting lines carry every URL), with the key masked.
        Assert.Contains("Request starting", output, StringComparison.Ordinal);
        Assert.Contains("key=***", output, StringComparison.Ordinal);
        Assert.Contains("api_key=***", output, StringComparison.Ordinal);
        Assert.Contains(@"\r\ninfo: forged-line\x1B[31m", output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, output, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^32..], output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u0007', output);
        // Output is split into lines on CR and LF: a raw one would have started a forged line.
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("info: forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_shipped_defaults_write_no_line_per_request_and_the_access_log_writes_one()
    {
        var key = await CreateKeyAsync();
        var quiet = Levels("Information");
        foreach (var name in new[] { "Microsoft", "Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "System", "Palisade" })
        {
            quiet.Remove("Logging__LogLevel__" + name); // what the shipped appsettings.json says applies
        }

        using (var server = await PalisadeProcess.ServeAsync(_data, environment: quiet))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            for (var i = 0; i < 40; i++)
            {
                (await client.GetAsync("/v1/key/check/45.33.32.156")).EnsureSuccessStatusCode();
                await client.GetAsync("/v1/key/check/45.33.32.156?key=sk_free_invalidinvalidinvalidinvalid12");
            }

            await WaitForAsync(server, output => output.Contains("Engine ready", StringComparison.Ordinal));
            var output = server.Output;
            Assert.Contains("Engine ready", output, StringComparison.Ordinal); // Palisade's own Information lines stay
            Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
            Assert.DoesNotContain("/v1/key/check", output, StringComparison.Ordinal);
            Assert.True(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < 20, output);
        }

        quiet["PALISADE_Palisade__Logging__AccessLog"] = "true";
        using (var server = await PalisadeProcess.ServeAsync(_data, environment: quiet))
        {
            await RawGetAsync(server.BaseAddress, $"/v1/key/check/45.33.32.156?key={key}");
            await RawGetAsync(server.BaseAddress, "/v1/key/check/45.33.32.156?key=nope");
            // Start-up health polls are logged too: wait for the two checks themselves.
            await WaitForAsync(server, output => output.Split("GET /v1/key/check").Length > 2);
            var lines = server.Output.Split('\n').Where(l => l.Contains("Palisade.Access", StringComparison.Ordinal)).ToList();
            Assert.Contains(lines, l => l.Contains("\"GET /v1/key/check/45.33.32.156?key=***\" 200", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("\"GET /v1/key/check/45.33.32.156?key=***\" 401", StringComparison.Ordinal));
            Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);
            Assert.Equal(2, lines.Count(l => l.Contains("/v1/key/check", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_broken_request_body_or_malformed_json_is_answered_400_without_an_error_line()
    {
        var key = await CreateKeyAsync();
        using var server = await PalisadeProcess.ServeAsync(_data);

        // A report whose chunked body is broken (Kestrel refuses it while the handler reads it): answered 400 in the
        // face's shape, and not an error of the server.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /v1/key/report HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {key}\r\n" +
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{\"ip\":\"45.\r\n"));
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var answer = await reader.ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 400 ", answer);
            Assert.Contains("{\"error\":\"Bad request: ", answer, StringComparison.Ordinal);
        }

        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var malformed = await client.PostAsync("/v1/key/report", new StringContent("{\"ip\": 45.", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        // A request after both, so both have been handled and logged (if at all) by now.
        await Task.Delay(500);
        (await client.GetAsync("/v1/key/check/45.33.32.156")).EnsureSuccessStatusCode();

        var output = server.Output;
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ExceptionHandlerMiddleware", output, StringComparison.Ordinal);
        Assert.DoesNotContain("BadHttpRequestException", output, StringComparison.Ordinal);
    }
}
