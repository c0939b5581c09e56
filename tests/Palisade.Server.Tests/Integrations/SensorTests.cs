using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// <c>palisade sensor</c> against real clients, in a private network namespace with a real <c>palisade serve</c>:
/// attackers get public-looking addresses on the namespace's loopback (a connection to a local address comes from
/// that address), so the server accepts the sensor's reports as it would from the internet.
/// </summary>
public sealed class SensorTests
{
    private const string Attackers = "91.240.118";

    [Fact]
    public async Task Real_clients_show_up_on_the_server_as_sensor_reports_and_the_queue_survives_a_server_outage_and_a_sensor_restart()
    {
        await using var space = await GuardNamespace.StartAsync("honeypot");
        for (var i = 11; i <= 20; i++)
        {
            await space.MustAsync("ip", "addr", "add", $"{Attackers}.{i}/32", "dev", "lo");
        }

        var data = Path.Combine(space.Scratch, "sensor");
        var output = new StringBuilder();
        var sensor = StartSensor(space, data, output);
        try
        {
            await WaitForAsync(async () => (await space.RunAsync("curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8081/")).ExitCode == 0, "the sensor's HTTP listener", output);

            // HTTP: an exploit path and basic-auth credentials.
            await space.RunAsync("curl", "-s", "-o", "/dev/null", $"http://{Attackers}.11:8081/.env");
            await space.RunAsync("curl", "-s", "-o", "/dev/null", "-u", "webadmin:hunter2", $"http://{Attackers}.12:8081/");
            // Telnet with busybox's client (it negotiates options), fed a login and a password.
            await space.RunAsync("sh", "-c", $"(sleep 1; printf 'telnetroot\\r\\n'; sleep 1; printf 'toor\\r\\n'; sleep 1) | busybox telnet {Attackers}.13 2323");
            // FTP and SMTP AUTH with curl.
            await space.RunAsync("curl", "-s", "--max-time", "10", $"ftp://ftpuser:secret@{Attackers}.14:2121/");
            await space.RunAsync("curl", "-s", "--max-time", "10", $"smtp://{Attackers}.15:2525", "--user", "mailuser:secret", "--mail-from", "a@example.org",
                "--mail-rcpt", "b@example.net", "-T", "/dev/null");
            // A scan: connect, send nothing.
            await space.RunAsync("nc", "-z", "-w", "2", $"{Attackers}.16", "2222");
            // SSH with OpenSSH's client and sshpass.
            var ssh = await space.RunAsync("sshpass", "-p", "secret", "ssh", "-p", "2222", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10",
                $"sshuser@{Attackers}.17", "true");
            Assert.True(ssh.ExitCode != 0, "the sensor must never let a login succeed");
            Assert.DoesNotContain("kex_exchange_identification", ssh.Stderr, StringComparison.Ordinal);
            Assert.Contains("Permission denied", ssh.Stderr, StringComparison.Ordinal);

            var expected = new (string Ip, string Category, string Protocol, string? Username)[]
            {
                ($"{Attackers}.11", "web_exploit", "http", null),
                ($"{Attackers}.12", "brute_force", "http", "webadmin"),
                ($"{Attackers}.13", "brute_force", "telnet", "telnetroot"),
                ($"{Attackers}.14", "brute_force", "ftp", "ftpuser"),
                ($"{Attackers}.15", "brute_force", "smtp", "mailuser"),
                ($"{Attackers}.16", "port_scan", "ssh", null),
                ($"{Attackers}.17", "brute_force", "ssh", "sshuser"),
            };
            foreach (var (ip, category, protocol, username) in expected)
            {
                // Sensor evidence: the category and protocol on the address, counted as a sensor's, and the username known.
                var check = await CheckOfAsync(space, ip, output);
                Assert.Contains(category, check.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
                Assert.Contains(protocol, check.GetProperty("protocols").EnumerateArray().Select(p => p.GetProperty("protocol").GetString()));
                Assert.True(check.GetProperty("scoreBreakdown").GetProperty("sensorEvidence").GetDouble() > 0, check.GetRawText());
                if (username is not null)
                {
                    var activity = await space.MustAsync("curl", "-sS", "--fail", "-H", "Authorization: Bearer " + space.Key,
                        GuardNamespace.ServerUrl + "/v1/key/username/" + username);
                    Assert.Contains(protocol, activity, StringComparison.Ordinal);
                }
            }

            // Passwords stay out of everything unless the operator opts in.
            var events = await File.ReadAllTextAsync(Path.Combine(data, "events.jsonl"));
            Assert.Contains("\"username\":\"webadmin\"", events, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", events, StringComparison.Ordinal);

            // The key's status lists the sensor with today's events per protocol and its top usernames.
            await WaitForAsync(async () =>
            {
                using var status = JsonDocument.Parse(await space.MustAsync("curl", "-sS", "--fail", "-H", "Authorization: Bearer " + space.Key, GuardNamespace.ServerUrl + "/v1/key/status"));
                if (!status.RootElement.TryGetProperty("sensors", out var sensors))
                {
                    return false;
                }

                var mine = sensors.EnumerateArray().Single(s => s.GetProperty("sensor").GetString() == "ns-sensor");
                var events = mine.GetProperty("eventsToday");
                return events.TryGetProperty("ssh", out var sshCount) && sshCount.GetInt64() >= 2 && events.TryGetProperty("telnet", out _) &&
                    mine.GetProperty("topUsernames").EnumerateArray().Any(u => u.GetProperty("username").GetString() == "sshuser");
            }, "the sensor's heartbeat in /v1/key/status", output);

            // Server down: what the sensor sees is queued on disk; the sensor restarts; the server comes back; it is delivered.
            space.StopServer();
            await space.RunAsync("curl", "-s", "-o", "/dev/null", $"http://{Attackers}.18:8081/wp-login.php");
            await WaitForAsync(() => Task.FromResult(Directory.Exists(Path.Combine(data, "queue")) &&
                Directory.EnumerateFiles(Path.Combine(data, "queue"), "*.json").Any()), "a queued batch on disk", output);
            sensor.Kill();
            await sensor.WaitForExitAsync();
            sensor.Dispose();
            sensor = StartSensor(space, data, output);
            await space.StartServerAsync();
            var queued = await CheckOfAsync(space, $"{Attackers}.18", output);
            Assert.Contains("web_exploit", queued.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            await WaitForAsync(() => Task.FromResult(!Directory.EnumerateFiles(Path.Combine(data, "queue"), "*.json").Any()), "an empty queue", output);
        }
        finally
        {
            if (!sensor.HasExited)
            {
                sensor.Kill();
                await sensor.WaitForExitAsync();
            }

            sensor.Dispose();
        }
    }

    private static Process StartSensor(GuardNamespace space, string data, StringBuilder output)
    {
        var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[space.NetworkNamespace, "--", "dotnet", Path.Combine(AppContext.BaseDirectory, "palisade.dll"), "sensor",
                     "--server", GuardNamespace.ServerUrl, "--listen", "ssh=:2222", "--listen", "telnet=:2323", "--listen", "http=:8081",
                     "--listen", "ftp=:2121", "--listen", "smtp=:2525", "--data", data, "--name", "ns-sensor", "--flush", "200ms", "--heartbeat", "1s"])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PALISADE_KEY"] = space.Key;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The verbose check of an address on the server, waiting for the sensor to deliver its report.</summary>
    private static async Task<JsonElement> CheckOfAsync(GuardNamespace space, string ip, StringBuilder output)
    {
        JsonElement? check = null;
        await WaitForAsync(async () =>
        {
            var (code, stdout, _) = await space.RunAsync("curl", "-sS", "--fail", "-H", "Authorization: Bearer " + space.Key,
                GuardNamespace.ServerUrl + $"/v1/key/check/{ip}?verbose=true");
            if (code != 0)
            {
                return false;
            }

            using var json = JsonDocument.Parse(stdout);
            if (!json.RootElement.GetProperty("found").GetBoolean())
            {
                return false;
            }

            check = json.RootElement.Clone();
            return true;
        }, $"a report of {ip}", output);
        return check!.Value;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                string text;
                lock (output)
                {
                    text = output.ToString();
                }

                Assert.Fail($"timed out waiting for {what}; sensor output:\n{text}");
            }

            await Task.Delay(200);
        }
    }
}
