using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Palisade.Server.Tests.Infrastructure;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// SSH.NET as a second SSH client against <c>palisade sensor</c>'s SSH server: the key exchange completes with the
/// sensor's persisted host key, password and public-key attempts are refused and recorded with their usernames.
/// </summary>
public sealed class SshNetSensorTests
{
    [Fact]
    public async Task Ssh_net_completes_the_key_exchange_and_is_refused_and_the_host_key_survives_a_restart()
    {
        var scratch = TempDirectory.Create();
        try
        {
            // The sensor is started twice on this port: one the system hands to no other socket meanwhile.
            var port = Alerts.FreePort.Lasting();
            var output = new StringBuilder();
            var first = await ConnectAsync(scratch, port, output, "netadmin");
            var second = await ConnectAsync(scratch, port, output, "backup");
            Assert.Equal(first, second);
            var log = await File.ReadAllTextAsync(Path.Combine(scratch, "sensor", "events.jsonl"));
            Assert.Contains("\"username\":\"netadmin\"", log, StringComparison.Ordinal);
            Assert.Contains("\"username\":\"backup\"", log, StringComparison.Ordinal);
            Assert.Contains("\"rule\":\"login\"", log, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", log, StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Delete(scratch);
        }
    }

    /// <summary>Starts the sensor, tries a password and a key with SSH.NET, stops the sensor; returns the host key fingerprint seen.</summary>
    private static async Task<string> ConnectAsync(string scratch, int port, StringBuilder output, string user)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "palisade.dll"), "sensor", "--server", "http://127.0.0.1:9",
                     "--listen", $"ssh=127.0.0.1:{port}", "--data", Path.Combine(scratch, "sensor"), "--flush", "200ms"])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PALISADE_KEY"] = "sk_honeypot_unused";
        using var sensor = Process.Start(info)!;
        sensor.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        sensor.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        sensor.BeginOutputReadLine();
        sensor.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await ListeningAsync(port))
            {
                Assert.False(sensor.HasExited, "the sensor exited: " + output);
                Assert.True(DateTime.UtcNow < deadline, "the sensor did not listen: " + output);
                await Task.Delay(100);
            }

            string? fingerprint = null;
            using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var key = new PrivateKeyFile(new MemoryStream(Encoding.ASCII.GetBytes(ecdsa.ExportECPrivateKeyPem())));
            var connection = new ConnectionInfo("127.0.0.1", port, user,
                new PasswordAuthenticationMethod(user, "s3cret"), new PrivateKeyAuthenticationMethod(user, key)) { Timeout = TimeSpan.FromSeconds(30) };
            using var client = new SshClient(connection);
            client.HostKeyReceived += (_, e) =>
            {
                fingerprint = e.FingerPrintSHA256;
                e.CanTrust = true;
            };
            var refused = await Assert.ThrowsAsync<SshAuthenticationException>(() => Task.Run(client.Connect));
            Assert.False(client.IsConnected);
            Assert.NotNull(fingerprint);
            Assert.Contains("publickey", refused.Message + output, StringComparison.OrdinalIgnoreCase);
            // The events reach the log when the connection ends.
            deadline = DateTime.UtcNow.AddSeconds(30);
            var log = Path.Combine(scratch, "sensor", "events.jsonl");
            while (!File.Exists(log) || !(await File.ReadAllTextAsync(log)).Contains($"\"username\":\"{user}\"", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "no event logged for " + user + ": " + output);
                await Task.Delay(100);
            }

            return fingerprint!;
        }
        finally
        {
            sensor.Kill();
            await sensor.WaitForExitAsync();
        }
    }

    private static async Task<bool> ListeningAsync(int port)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

}

/// <summary><c>palisade sensor</c> refuses bad options with a clear message and exit code 2, before opening anything.</summary>
public sealed class SensorCommandTests
{
    [Theory]
    [InlineData("--listen gopher=:7070", "protocol of ssh, telnet, http, ftp, smtp")]
    [InlineData("--listen ssh=:99999", "the port must be 1-65535")]
    [InlineData("--listen ssh=nothere:2222", "'nothere' is not an IP address")]
    [InlineData("--listen ssh=:2222 --listen http=:2222", "port 2222 is given twice")]
    [InlineData("--listen ssh=:2222 --window 0s", "--window '0s' must be a time")]
    [InlineData("", "at least one --listen is required")]
    public async Task Bad_options_are_refused_with_a_clear_message(string options, string message)
    {
        var (code, _, stderr) = await PalisadeProcess.RunAsync(["sensor", "--server", "http://127.0.0.1:9", "--key", "sk_honeypot_x",
            .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_is_required()
    {
        var (code, _, stderr) = await PalisadeProcess.RunAsync("sensor", "--server", "http://127.0.0.1:9", "--listen", "ssh=:2222");
        Assert.Equal(2, code);
        Assert.Contains("--key (or PALISADE_KEY) is required", stderr, StringComparison.Ordinal);
    }
}
