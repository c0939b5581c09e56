using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

/// <summary>
/// The real fail2ban (Debian's package) with its stock <c>action.d/abuseipdb.conf</c>, only the URL changed, on a jail
/// fed by a log file: failed sshd logins in the log must end up as an AbuseIPDB-style report in Palisade.
/// </summary>
public sealed class Fail2BanActionTests
{
    private const string StockUrl = "https://api.abuseipdb.com/api/v2/report";

    [Fact]
    public async Task Stock_abuseipdb_action_reports_a_banned_address()
    {
        await using var host = await PalisadeHost.StartAsync();
        var key = await host.CreateKeyAsync("free");
        var folder = TempDirectory.Create();
        var config = Path.Combine(folder, "f2b");
        try
        {
            CopyDirectory("/etc/fail2ban", config);
            foreach (var jail in Directory.GetFiles(Path.Combine(config, "jail.d")))
            {
                File.Delete(jail);
            }

            var stock = await File.ReadAllTextAsync("/etc/fail2ban/action.d/abuseipdb.conf");
            Assert.Contains(StockUrl, stock);
            var palisadeUrl = new Uri(host.BaseAddress, "/api/v2/report").ToString();
            await File.WriteAllTextAsync(Path.Combine(config, "action.d", "abuseipdb.conf"), stock.Replace(StockUrl, palisadeUrl, StringComparison.Ordinal));

            var log = Path.Combine(folder, "auth.log");
            await File.WriteAllTextAsync(log, "");
            await File.WriteAllTextAsync(Path.Combine(config, "fail2ban.local"), $"""
                [Definition]
                socket = {folder}/f2b.sock
                pidfile = {folder}/f2b.pid
                dbfile = :memory:
                logtarget = {folder}/f2b.log
                loglevel = INFO
                """);
            await File.WriteAllTextAsync(Path.Combine(config, "jail.local"), $"""
                [DEFAULT]
                ignoreip =
                [probe]
                enabled = true
                filter = sshd
                backend = polling
                logpath = {log}
                maxretry = 3
                findtime = 600
                bantime = 600
                action = abuseipdb[abuseipdb_apikey="{key}", abuseipdb_category="18,22"]
                """);

            var test = await RunAsync("fail2ban-client", "-c", config, "-t");
            Assert.True(test.ExitCode == 0, "fail2ban config test failed: " + test.Output);
            var start = await RunAsync("fail2ban-server", "-c", config, "-b", "-x");
            Assert.True(start.ExitCode == 0, "fail2ban-server did not start: " + start.Output);
            try
            {
                await WaitForAsync(async () => (await RunAsync("fail2ban-client", "-c", config, "status", "probe")).ExitCode == 0, "the probe jail to start",
                    () => File.ReadAllText(Path.Combine(folder, "f2b.log")));
                var lines = Enumerable.Range(0, 4).Select(i =>
                    $"{DateTime.Now:MMM d HH:mm:ss} web1 sshd[{4100 + i}]: Failed password for invalid user admin from 45.33.60.9 port {50000 + i} ssh2\n");
                await File.AppendAllTextAsync(log, string.Concat(lines));

                using var client = AbuseIpdbClient.Create(host, key);
                JsonElement data = default;
                await WaitForAsync(async () =>
                {
                    data = (await (await client.GetAsync("/api/v2/check?ipAddress=45.33.60.9&verbose")).JsonAsync()).GetProperty("data");
                    return data.GetProperty("totalReports").GetInt64() == 1;
                }, "fail2ban's report to arrive", () => File.ReadAllText(Path.Combine(folder, "f2b.log")));

                var report = data.GetProperty("reports")[0];
                Assert.Equal([18, 22], report.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
                Assert.Contains("Failed password for invalid user admin from 45.33.60.9", report.GetProperty("comment").GetString());
                Assert.True(data.GetProperty("abuseConfidenceScore").GetInt32() > 0);
                Assert.DoesNotContain("ERROR", await File.ReadAllTextAsync(Path.Combine(folder, "f2b.log")));
            }
            finally
            {
                await RunAsync("fail2ban-client", "-c", config, "stop");
            }
        }
        finally
        {
            TempDirectory.Delete(folder);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}. fail2ban log:\n{diagnostics()}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
