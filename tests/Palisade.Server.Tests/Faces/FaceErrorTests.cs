using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Faces;

/// <summary>Every status of every face comes out in that face's own error shape: failures that reach the global
/// handler (500, 503 with the store down), refused JSON and ambiguous request framing.</summary>
public sealed class FaceErrorTests
{
    private const string FailureText = "secret internal detail";

    [Fact]
    public async Task An_unexpected_failure_is_a_500_in_each_faces_shape_without_the_exception_text()
    {
        await using var host = await PalisadeHost.StartAsync(map: app =>
        {
            foreach (var face in Face.All)
            {
                app.MapGet(face.ErrorProbePath + "/probe-failure", (HttpContext _) => Fail());
            }
        });
        foreach (var face in Face.All)
        {
            using var client = face.Client(host.BaseAddress, "none");
            var response = await client.GetAsync(face.ErrorProbePath + "/probe-failure");
            var message = await face.AssertErrorAsync(response, HttpStatusCode.InternalServerError);
            Assert.DoesNotContain(FailureText, message, StringComparison.Ordinal);
        }
    }

    private static string Fail() => throw new InvalidOperationException(FailureText);

    [Fact]
    public async Task With_the_store_down_each_face_answers_503_in_its_shape_with_Retry_After()
    {
        await using var host = await PalisadeHost.StartAsync();
        await using (await StoreFailureAsync(host.DataDirectory))
        {
            foreach (var face in Face.All)
            {
                // A key the server has not seen must be looked up in the store, which is gone.
                using var client = face.Client(host.BaseAddress, "sk_free_" + Guid.NewGuid().ToString("N"));
                var response = await client.GetAsync(face.Check("45.33.80.1"));
                var message = await face.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
                Assert.Contains("database", message, StringComparison.OrdinalIgnoreCase);
                Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            }
        }
    }

    [Fact]
    public async Task A_connection_lost_during_a_query_is_a_503_in_each_faces_shape_with_Retry_After()
    {
        // The pool can hand out a connection whose backend is being terminated at that moment (a PostgreSQL restart):
        // the open succeeds and the query fails. That is the store being away, not a bug.
        var lost = await ConnectionLostDuringQueryAsync();
        await using var host = await PalisadeHost.StartAsync(map: app =>
        {
            foreach (var face in Face.All)
            {
                app.MapGet(face.ErrorProbePath + "/probe-lost", (HttpContext _) => Rethrow(lost));
            }
        });
        foreach (var face in Face.All)
        {
            using var client = face.Client(host.BaseAddress, "none");
            var response = await client.GetAsync(face.ErrorProbePath + "/probe-lost");
            var message = await face.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("database", message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
        }
    }

    private static string Rethrow(Exception error) => throw error;

    /// <summary>The exception the engine really throws: on PostgreSQL a query on a connection whose backend was
    /// terminated; on SQLite an I/O error (SQLITE_IOERR) in the middle of a statement.</summary>
    private static async Task<Exception> ConnectionLostDuringQueryAsync()
    {
        if (!TestBackend.IsPostgres)
        {
            return new Microsoft.Data.Sqlite.SqliteException("disk I/O error", 10);
        }

        var folder = Directory.CreateTempSubdirectory("palisade-lost-").FullName;
        try
        {
            await using var victim = (Npgsql.NpgsqlConnection)await TestBackend.OpenDatabaseAsync(folder);
            await using (var admin = new Npgsql.NpgsqlConnection(TestBackend.PostgresAdmin))
            {
                await admin.OpenAsync();
                await using var kill = new Npgsql.NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
                kill.Parameters.AddWithValue("pid", victim.ProcessID);
                await kill.ExecuteScalarAsync();
            }

            await using var query = new Npgsql.NpgsqlCommand("SELECT 1", victim);
            var error = await Record.ExceptionAsync(() => query.ExecuteScalarAsync());
            return Assert.IsAssignableFrom<Npgsql.NpgsqlException>(error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// PostgreSQL refuses connections; the SQLite file cannot be opened (moving it alone is not enough: pooled
    /// connections keep the moved file open, and a new connection would create an empty database).
    /// </summary>
    private static async Task<IAsyncDisposable> StoreFailureAsync(string dataDirectory)
    {
        if (TestBackend.IsPostgres)
        {
            return await TestBackend.OutageAsync(dataDirectory);
        }

        var file = Path.Combine(dataDirectory, "palisade.db");
        File.Move(file, file + ".away");
        Directory.CreateDirectory(file);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return new Restore(() =>
        {
            Directory.Delete(file);
            File.Move(file + ".away", file);
        });
    }

    private sealed class Restore(Action undo) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            undo();
            return ValueTask.CompletedTask;
        }
    }

    public static TheoryData<string, string, string, string> LoneSurrogates() => new()
    {
        { "native", "/v1/key/report", """{"ip":"45.33.81.1","category":"ddos","comment":"x\ud800y"}""", "45.33.81.1" },
        { "native", "/v1/key/report", """{"ip":"45.33.81.2\udc00","category":"ddos"}""", "45.33.81.2" },
        { "abuseipdb", "/api/v2/report", """{"ip":"45.33.81.3","categories":"18","comment":"\ud800"}""", "45.33.81.3" },
        { "reportedip", "/wp-json/reportedip/v2/report", """{"ip":"45.33.81.4","categories":[18],"comment":"\ud800"}""", "45.33.81.4" },
        { "reportedip", "/wp-json/reportedip/v2/whitelist", """{"ipAddress":"45.33.81.5","reason":"\udbff"}""", "45.33.81.5" },
        { "ipswamp", "/api/v1/checkIP/bulk", """{"ips":["45.33.81.6\ud800"]}""", "45.33.81.6" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task A_lone_UTF16_surrogate_in_JSON_is_a_400_in_the_faces_shape_and_nothing_is_stored(string faceName, string path, string body, string ip)
    {
        await using var host = await PalisadeHost.StartAsync();
        var face = Face.Named(faceName);
        using var client = face.Client(host.BaseAddress, await host.CreateKeyAsync("enterprise"));
        var response = await client.PostRawAsync(path, body);
        await face.AssertErrorAsync(response, HttpStatusCode.BadRequest);

        using var native = Face.Native.Client(host.BaseAddress, await host.CreateKeyAsync("enterprise"));
        Assert.False((await (await native.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("found").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Face.Names), MemberType = typeof(Face))]
    public async Task A_request_with_both_Content_Length_and_Transfer_Encoding_is_refused_with_400(string faceName)
    {
        await using var host = await PalisadeHost.StartAsync();
        var face = Face.Named(faceName);
        var key = await host.CreateKeyAsync("enterprise");
        var request = $"POST {face.Check("45.33.82.1")} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await ReadResponseAsync(stream);
        var headerEnd = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, answer);
        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        var head = answer[..headerEnd].Split("\r\n");
        var body = answer[(headerEnd + 4)..];
        if (head.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(body);
        }

        var mediaType = head.FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?
            .Split(':', 2)[1].Split(';')[0].Trim();
        var message = face.AssertErrorBody(body.Trim(), 400, mediaType);
        Assert.Contains("Transfer-Encoding", message, StringComparison.Ordinal);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    // Reads until the server closes the connection (the refusal closes it) or a deadline passes.
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[8192];
        var text = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
