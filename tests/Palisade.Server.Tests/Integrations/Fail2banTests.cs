using System.Globalization;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>The shipped fail2ban action, run by a real fail2ban-server watching a log file, reporting to a running Palisade.</summary>
public sealed class Fail2banTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _scratch = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _scratch = Directory.CreateTempSubdirectory("palisade-f2b-").FullName;
        _config = Path.Combine(_scratch, "f2b");
    }

    public async Task DisposeAsync()
    {
        await ToolRunner.RunAsync("fail2ban-client", ["-c", _config, "stop"], timeout: TimeSpan.FromSeconds(30));
        await _host.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private async Task StartFail2banAsync(string key, string log, bool sendMatches)
    {
        // Debian's configuration without its jails (the sshd jail wants a system auth log), plus the shipped action.
        var copy = await ToolRunner.RunAsync("cp", ["-r", "/etc/fail2ban", _config]);
        Assert.Equal(0, copy.ExitCode);
        foreach (var jail in Directory.GetFiles(Path.Combine(_config, "jail.d")))
        {
            File.Delete(jail);
        }

        File.Copy(ToolRunner.Integration("fail2ban/action.d/palisade.conf"), Path.Combine(_config, "action.d", "palisade.conf"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(_config, "fail2ban.local"), $"""
            [Definition]
            socket = {_config}/f2b.sock
            pidfile = {_config}/f2b.pid
            dbfile = :memory:
            logtarget = {_config}/f2b.log
            loglevel = INFO
            """);
        var url = _host.BaseAddress.ToString().TrimEnd('/');
        await File.WriteAllTextAsync(Path.Combine(_config, "jail.local"), $"""
            [probe]
            enabled = true
            filter = sshd
            backend = polling
            logpath = {log}
            maxretry = 2
            findtime = 3600
            bantime = 600
            action = palisade[palisade_url="{url}", palisade_apikey="{key}", palisade_category="brute_force", palisade_protocol="ssh", palisade_send_matches="{(sendMatches ? "true" : "false")}"]
            """);
        var test = await ToolRunner.RunAsync("fail2ban-client", ["-c", _config, "-t"]);
        Assert.True(test.ExitCode == 0, test.Stdout + test.Stderr);
        var start = await ToolRunner.RunAsync("fail2ban-server", ["-c", _config, "-b", "-x"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(start.ExitCode == 0, start.Stdout + start.Stderr);
    }

    private static string SshdFailure(string ip, int port)
        => $"{DateTime.Now.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture)} testhost sshd[{4000 + port}]: Failed password for root from {ip} port {port} ssh2\n";

    private async Task<JsonElement> WaitForReportAsync(HttpClient client, string ip)
    {
        for (var i = 0; i < 120; i++)
        {
            var json = await (await client.GetAsync($"/v1/key/check/{ip}")).JsonAsync();
            if (json.GetProperty("found").GetBoolean())
            {
                return json;
            }

            await Task.Delay(500);
        }

        var log = File.Exists(Path.Combine(_config, "f2b.log")) ? await File.ReadAllTextAsync(Path.Combine(_config, "f2b.log")) : "(no log)";
        throw new Xunit.Sdk.XunitException($"fail2ban did not report {ip}. fail2ban log:\n{log}");
    }

    [Fact]
    public async Task A_ban_from_a_log_fed_jail_is_reported_and_shows_on_check_without_log_lines()
    {
        var key = await _host.CreateKeyAsync("free", name: "fail2ban");
        using var client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
        var log = Path.Combine(_scratch, "auth.log");
        await File.WriteAllTextAsync(log, "");
        await StartFail2banAsync(key, log, sendMatches: false);

        const string attacker = "45.33.70.7";
        for (var i = 0; i < 3; i++)
        {
            await File.AppendAllTextAsync(log, SshdFailure(attacker, 50000 + i));
            await Task.Delay(300);
        }

        var check = await WaitForReportAsync(client, attacker);
        Assert.True(check.GetProperty("confidenceLevel").GetInt32() > 0);
        Assert.Equal("ssh:brute_force", check.GetProperty("behaviors")[0].GetProperty("name").GetString());
        var comment = check.GetProperty("reports")[0].GetProperty("comment").GetString();
        Assert.Contains("fail2ban jail probe", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed password", comment, StringComparison.Ordinal);

        var status = await ToolRunner.RunAsync("fail2ban-client", ["-c", _config, "status", "probe"]);
        Assert.Contains(attacker, status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_lines_are_sent_only_when_asked()
    {
        var key = await _host.CreateKeyAsync("free", name: "fail2ban");
        using var client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
        var log = Path.Combine(_scratch, "auth.log");
        await File.WriteAllTextAsync(log, "");
        await StartFail2banAsync(key, log, sendMatches: true);

        const string attacker = "45.33.70.8";
        for (var i = 0; i < 3; i++)
        {
            await File.AppendAllTextAsync(log, SshdFailure(attacker, 51000 + i));
            await Task.Delay(300);
        }

        var check = await WaitForReportAsync(client, attacker);
        Assert.Contains("Failed password for root", check.GetProperty("reports")[0].GetProperty("comment").GetString(), StringComparison.Ordinal);
    }
}
