using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Alerts;

/// <summary>A real SMTP server (Debian's python3-aiosmtpd) on a free loopback port, storing what it receives in a maildir.</summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        var port = FreePort.Next();
        var directory = TempDirectory.Create();
        // Debian's interpreter: the package installs the module for it, not for any other python3 on PATH.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(directory, "mail") },
        };
        var process = Process.Start(start)!;
        var sink = new SmtpSink(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return sink;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
                await sink.DisposeAsync();
                throw new InvalidOperationException("aiosmtpd did not start (apt-get install python3-aiosmtpd): " + error);
            }
        }
    }

    /// <summary>Raw messages received so far (headers and body).</summary>
    public IReadOnlyList<string> Messages()
    {
        var folder = Path.Combine(_directory, "mail", "new");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        TempDirectory.Delete(_directory);
    }
}
