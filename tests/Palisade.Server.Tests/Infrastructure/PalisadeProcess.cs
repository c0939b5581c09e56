using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Palisade.Server.Tests.Infrastructure;

/// <summary>The real <c>palisade</c> command (palisade.dll next to the tests) run as a separate process.</summary>
public sealed class PalisadeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PalisadeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    /// <summary>Waits (at most a minute) until <see cref="Output"/> holds <paramref name="text"/>: what the server logs
    /// reaches it through the console logger's queue and a pipe, possibly after the server already answers.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        for (var i = 0; i < 600 && !Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(text, Output, StringComparison.Ordinal);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "palisade.dll");

    /// <summary>Runs a one-shot command and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts <c>palisade serve</c> on a free loopback port and returns once it answers <c>/healthz</c>. The port is
    /// free when chosen but not reserved: while this server starts (a second or more on a loaded machine), another
    /// test's server may take it, and the health poll would then reach that one — every later request too (another
    /// data folder: its keys unknown here, hence 401s). So the answering listener must be this process's own socket;
    /// when the port was taken, this server fails to bind and is started again on another port.
    /// </summary>
    public static Task<PalisadeProcess> ServeAsync(string dataDirectory, IEnumerable<string>? extraArguments = null,
        IReadOnlyDictionary<string, string>? environment = null)
        => ServeAsync(dataDirectory, FreePort, extraArguments, environment);

    /// <summary>As above, on the ports <paramref name="ports"/> hands out (a test of the start-up itself).</summary>
    internal static async Task<PalisadeProcess> ServeAsync(string dataDirectory, Func<int> ports, IEnumerable<string>? extraArguments = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = ports();
            var url = $"http://127.0.0.1:{port}";
            var info = StartInfo(["serve", "--urls", url, "--data", dataDirectory, .. extraArguments ?? []]);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                info.Environment[name] = value;
            }

            var server = new PalisadeProcess(Process.Start(info)!, new Uri(url));
            if (await server.WaitUntilHealthyAsync(port))
            {
                return server;
            }

            // It exited: on a port someone else took meanwhile, try another; any other reason is the test's failure.
            await server._process.WaitForExitAsync(); // lets the asynchronous readers deliver the last lines
            var output = server.Output;
            server.Dispose();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("palisade serve exited early:\n" + output);
            }
        }
    }

    /// <summary>True once this process listens on <paramref name="port"/> and answers its health check; false if it
    /// exited first.</summary>
    private async Task<bool> WaitUntilHealthyAsync(int port)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                if (ListensOn(_process.Id, port) && (await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        Kill();
        throw new TimeoutException("palisade serve did not become healthy:\n" + Output);
    }

    /// <summary>Whether process <paramref name="pid"/> holds the IPv4 socket listening on <paramref name="port"/>
    /// (Linux: the socket's inode in /proc/net/tcp among the process's file descriptors).</summary>
    private static bool ListensOn(int pid, int port)
    {
        const string Listen = "0A";
        var local = $":{port:X4}";
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == Listen)
            {
                inodes.Add($"socket:[{fields[9]}]");
            }
        }

        if (inodes.Count == 0)
        {
            return false;
        }

        try
        {
            return new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
                .Any(fd => fd.LinkTarget is { } target && inodes.Contains(target));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the process is gone
        }
    }

    /// <summary>SIGTERM, as systemd stops a service: the server shuts down in order. Waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Assert.Equal(0, SendSignal(_process.Id, 15));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(); // and the last lines of output are in
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: no shutdown hooks, no flush — what a crash looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        var list = arguments.ToList();
        foreach (var argument in list)
        {
            info.ArgumentList.Add(argument);
        }

        // On the PostgreSQL + Redis run, every command that touches data gets the shared servers for its data folder.
        var data = list.IndexOf("--data");
        if (TestBackend.IsPostgres && data >= 0 && data + 1 < list.Count && !list.Contains("--postgres"))
        {
            info.ArgumentList.Add("--postgres");
            info.ArgumentList.Add(TestBackend.ConnectionStringFor(list[data + 1]));
            if (list[0] == "serve")
            {
                info.ArgumentList.Add("--redis");
                info.ArgumentList.Add(TestBackend.Redis!);
                info.Environment["PALISADE_Palisade__RedisKeyPrefix"] = TestBackend.RedisPrefix(list[data + 1]);
            }
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return info;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
