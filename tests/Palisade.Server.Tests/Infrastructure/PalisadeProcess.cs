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

    public static async Task<PalisadeProcess> ServeAsync(string dataDirectory, IEnumerable<string>? extraArguments = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = StartInfo(["serve", "--urls", url, "--data", dataDirectory, .. extraArguments ?? []]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var server = new PalisadeProcess(process, new Uri(url));
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                // Waiting again lets the asynchronous readers deliver the last lines (the reason it stopped).
                await process.WaitForExitAsync();
                throw new InvalidOperationException("palisade serve exited early:\n" + server.Output);
            }

            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return server;
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

        server.Kill();
        throw new TimeoutException("palisade serve did not become healthy:\n" + server.Output);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
