using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cli;

/// <summary><c>palisade backup</c> and <c>palisade purge</c>, run as real processes on a data folder a server is using.
/// Always on the embedded SQLite database, also in the PostgreSQL pass (an empty --postgres keeps the commands on it):
/// backup is SQLite's, PostgreSQL installations use pg_dump.</summary>
public sealed class BackupAndPurgeCommandTests : IDisposable
{
    private static readonly string[] OnSqlite = ["--postgres", ""];

    private readonly string _data = TempDirectory.Create();
    private readonly string _elsewhere = TempDirectory.Create();

    public void Dispose()
    {
        TempDirectory.Delete(_data);
        TempDirectory.Delete(_elsewhere);
    }

    private static async Task<string> Sqlite3Async(string file, string sql)
    {
        using var process = Process.Start(new ProcessStartInfo("sqlite3", [file, sql]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    private async Task<HttpClient> ServeAndKeyAsync(PalisadeProcess server)
    {
        var (code, key, _) = await PalisadeProcess.RunAsync(["keys", "create", "--data", _data, "--tier", "enterprise", "--name", "ops", .. OnSqlite]);
        Assert.Equal(0, code);
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        return client;
    }

    [Fact]
    public async Task A_backup_taken_while_the_server_runs_is_a_checked_copy_that_restores()
    {
        using var server = await PalisadeProcess.ServeAsync(_data, OnSqlite);
        using var client = await ServeAndKeyAsync(server);
        foreach (var ip in new[] { "45.33.60.1", "45.33.60.2", "2a00:1450::60" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip, category = "brute_force", protocol = "ssh" })).StatusCode);
        }

        var file = Path.Combine(_elsewhere, "palisade-backup.db");
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync(["backup", "--data", _data, "--to", file, .. OnSqlite]);
        Assert.True(code == 0, stderr);
        Assert.Contains("3 reports, 1 keys, integrity ok", stdout, StringComparison.Ordinal);
        // Checked again with the real sqlite3 tool, and restored into a fresh folder the admin commands can read.
        Assert.Equal("ok\n3", await Sqlite3Async(file, "PRAGMA integrity_check; SELECT COUNT(*) FROM reports;"));
        var restored = Path.Combine(_elsewhere, "restored");
        Directory.CreateDirectory(restored);
        File.Copy(file, Path.Combine(restored, "palisade.db"));
        var list = await PalisadeProcess.RunAsync(["keys", "list", "--data", restored, "--json", .. OnSqlite]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("\"ops\"", list.Stdout, StringComparison.Ordinal);

        var again = await PalisadeProcess.RunAsync(["backup", "--data", _data, "--to", file, .. OnSqlite]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await PalisadeProcess.RunAsync(["backup", "--data", _data, "--to", file, "--force", .. OnSqlite])).ExitCode);
        Assert.False(File.Exists(file + ".partial"));
        var postgres = await PalisadeProcess.RunAsync("backup", "--postgres", "Host=127.0.0.1;Port=1", "--to", file, "--force");
        Assert.Equal(2, postgres.ExitCode);
        Assert.Contains("pg_dump", postgres.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_deletes_what_is_past_the_given_retention_once()
    {
        using (var server = await PalisadeProcess.ServeAsync(_data, OnSqlite))
        using (var client = await ServeAndKeyAsync(server))
        {
            var old = DateTimeOffset.UtcNow.AddDays(-10).ToUnixTimeSeconds();
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.61.1", category = "port_scan", timestamp = old })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.61.2", category = "port_scan" })).StatusCode);
        }

        var bad = await PalisadeProcess.RunAsync(["purge", "--data", _data, "--report-retention-days", "0", .. OnSqlite]);
        Assert.Equal(2, bad.ExitCode);
        var (code, stdout, stderr) = await PalisadeProcess.RunAsync(["purge", "--data", _data, "--report-retention-days", "5", "--reputation-retention-days", "5", .. OnSqlite]);
        Assert.True(code == 0, stderr);
        Assert.Contains("1 reports deleted", stdout, StringComparison.Ordinal);
        Assert.Equal("45.33.61.2", await Sqlite3Async(Path.Combine(_data, "palisade.db"), "SELECT address FROM reports;"));
        var second = await PalisadeProcess.RunAsync(["purge", "--data", _data, "--report-retention-days", "5", "--reputation-retention-days", "5", .. OnSqlite]);
        Assert.Contains("0 reports deleted", second.Stdout, StringComparison.Ordinal);
    }
}
