using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// A private network namespace (held open by a <c>sleep</c> started under <c>unshare -n</c>) with a real
/// <c>palisade serve</c> on 127.0.0.1 inside it: the guard, curl, ipset and nft run in it through <c>nsenter</c>, so
/// the sets they change vanish with the namespace. The server keeps its data in SQLite in a temporary folder (a
/// database server outside the namespace would not be reachable from inside).
/// </summary>
internal sealed class GuardNamespace : IAsyncDisposable
{
    public const string ServerUrl = "http://127.0.0.1:8080";

    private readonly Process _holder;
    private Process? _server;
    private readonly StringBuilder _serverOutput = new();

    private GuardNamespace(Process holder, string scratch, string key)
    {
        _holder = holder;
        Scratch = scratch;
        Key = key;
    }

    public string Scratch { get; }

    public string Key { get; }

    public string StatePath => Path.Combine(Scratch, "guard-state.json");

    public string AllowPath => Path.Combine(Scratch, "allow.txt");

    /// <summary>nsenter's argument that enters the namespace (for tests that start their own processes in it).</summary>
    public string NetworkNamespace => $"--net=/proc/{_holder.Id}/ns/net";

    private string DataDirectory => Path.Combine(Scratch, "data");

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "palisade.dll");

    public static async Task<GuardNamespace> StartAsync(string tier = "enterprise")
    {
        var scratch = TempDirectory.Create();
        var key = await CreateKeyAsync(Path.Combine(scratch, "data"), tier);
        var holder = Process.Start(new ProcessStartInfo("unshare", ["-n", "sleep", "infinity"]) { UseShellExecute = false })!;
        var space = new GuardNamespace(holder, scratch, key);
        try
        {
            await space.WaitForOwnNamespaceAsync();
            await space.MustAsync("ip", "link", "set", "lo", "up");
            await space.StartServerAsync();
            return space;
        }
        catch
        {
            await space.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command inside the namespace.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] arguments)
        => ToolRunner.RunAsync("nsenter", [NetworkNamespace, "--", file, .. arguments], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs a command inside the namespace and fails the test with its output unless it exits 0.</summary>
    public async Task<string> MustAsync(string file, params string[] arguments)
    {
        var (code, stdout, stderr) = await RunAsync(file, arguments);
        Assert.True(code == 0, $"{file} {string.Join(' ', arguments)} exited {code}: {stderr}{stdout}");
        return stdout;
    }

    /// <summary><c>palisade guard --once</c> against the server in the namespace, the key in PALISADE_KEY.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> GuardOnceAsync(string backend, params string[] extra)
        => GuardAsync(Key, ["--once", "--backend", backend, .. extra]);

    public Task<(int ExitCode, string Stdout, string Stderr)> GuardAsync(string key, string[] arguments)
        => ToolRunner.RunAsync("nsenter",
            [NetworkNamespace, "--", "dotnet", Dll, "guard", "--server", ServerUrl, "--score-minimum", "0", "--state", StatePath, .. arguments],
            new Dictionary<string, string> { ["PALISADE_KEY"] = key }, TimeSpan.FromSeconds(60));

    /// <summary>Starts <c>palisade guard</c> as a long-running process in the namespace (nsenter execs it: same process id).</summary>
    public Process StartGuard(string backend, params string[] extra)
    {
        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[NetworkNamespace, "--", "dotnet", Dll, "guard", "--server", ServerUrl, "--score-minimum", "0",
                     "--state", StatePath, "--backend", backend, .. extra])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PALISADE_KEY"] = Key;
        return Process.Start(info)!;
    }

    public async Task ReportAsync(params string[] addresses)
    {
        foreach (var ip in addresses)
        {
            await MustAsync("curl", "-sS", "--fail", "-H", "Authorization: Bearer " + Key, "-H", "Content-Type: application/json",
                "-d", $"{{\"ip\":\"{ip}\",\"category\":\"port_scan\",\"protocol\":\"tcp\"}}", ServerUrl + "/v1/key/report");
        }
    }

    /// <summary>Deletes the reports of an address (AbuseIPDB's clear-address): it leaves the list.</summary>
    public Task ClearAsync(string ip)
        => MustAsync("curl", "-sS", "--fail", "-X", "DELETE", "-H", "Key: " + Key, ServerUrl + "/api/v2/clear-address?ipAddress=" + Uri.EscapeDataString(ip));

    /// <summary>The list as the server has it now (plaintext format), for comparing the sets with.</summary>
    public async Task<string[]> ListedAsync()
    {
        var text = await MustAsync("curl", "-sS", "--fail", "-H", "Authorization: Bearer " + Key, ServerUrl + "/v1/key/blacklist?scoreMinimum=0&plaintext=true");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];
    }

    /// <summary>Members of both sets of a backend, sorted; the sets must exist.</summary>
    public async Task<string[]> MembersAsync(string backend)
    {
        var members = await TryMembersAsync(backend);
        Assert.True(members is not null, $"the {backend} sets do not exist");
        return members;
    }

    /// <summary>Members of both sets of a backend, sorted; null when the sets do not exist.</summary>
    public async Task<string[]?> TryMembersAsync(string backend)
    {
        if (backend == "ipset")
        {
            var (code, stdout, _) = await RunAsync("ipset", "save");
            if (code != 0 || !stdout.Contains("create palisade-v4 ", StringComparison.Ordinal))
            {
                return null;
            }

            return [.. stdout.Split('\n').Where(l => l.StartsWith("add palisade-v4 ", StringComparison.Ordinal) || l.StartsWith("add palisade-v6 ", StringComparison.Ordinal))
                .Select(l => l.Split(' ')[2]).Order(StringComparer.Ordinal)];
        }

        var members = new List<string>();
        foreach (var set in (string[])["blocklist_v4", "blocklist_v6"])
        {
            var (code, stdout, _) = await RunAsync("nft", "-j", "list", "set", "inet", "palisade", set);
            if (code != 0)
            {
                return null;
            }

            using var json = JsonDocument.Parse(stdout);
            foreach (var item in json.RootElement.GetProperty("nftables").EnumerateArray())
            {
                if (item.TryGetProperty("set", out var description) && description.TryGetProperty("elem", out var elements))
                {
                    members.AddRange(elements.EnumerateArray().Select(e => e.GetString()!));
                }
            }
        }

        return [.. members.Order(StringComparer.Ordinal)];
    }

    public async Task StartServerAsync()
    {
        var info = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[NetworkNamespace, "--", "dotnet", Dll, "serve", "--data", DataDirectory, "--urls", ServerUrl])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, e) => { lock (_serverOutput) { _serverOutput.AppendLine(e.Data); } };
        _server.ErrorDataReceived += (_, e) => { lock (_serverOutput) { _serverOutput.AppendLine(e.Data); } };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_server.HasExited, "palisade serve exited early: " + ServerOutput);
            if ((await RunAsync("curl", "-sf", "-o", "/dev/null", ServerUrl + "/healthz")).ExitCode == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("palisade serve did not become healthy in the namespace: " + ServerOutput);
    }

    public void StopServer()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(10_000);
        }

        _server?.Dispose();
        _server = null;
    }

    public async ValueTask DisposeAsync()
    {
        StopServer();
        if (!_holder.HasExited)
        {
            _holder.Kill();
            await _holder.WaitForExitAsync();
        }

        _holder.Dispose();
        TempDirectory.Delete(Scratch);
    }

    private string ServerOutput
    {
        get
        {
            lock (_serverOutput)
            {
                return _serverOutput.ToString();
            }
        }
    }

    /// <summary>unshare may not have left this process's namespace yet when Process.Start returns; entering it too early would
    /// change the host's firewall.</summary>
    private async Task WaitForOwnNamespaceAsync()
    {
        var host = new FileInfo("/proc/self/ns/net").LinkTarget;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            Assert.False(_holder.HasExited, "unshare -n exited: are network namespaces allowed here?");
            var target = new FileInfo($"/proc/{_holder.Id}/ns/net").LinkTarget;
            if (target is not null && target != host && File.Exists($"/proc/{_holder.Id}/exe") &&
                new FileInfo($"/proc/{_holder.Id}/exe").LinkTarget?.EndsWith("/sleep", StringComparison.Ordinal) == true)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the private network namespace did not appear");
            await Task.Delay(20);
        }
    }

    private static async Task<string> CreateKeyAsync(string data, string tier)
    {
        // Run directly rather than through PalisadeProcess: on the PostgreSQL pass that would point the key at the
        // shared database, which the server inside the namespace cannot reach.
        var (code, stdout, stderr) = await ToolRunner.RunAsync("dotnet", [Dll, "keys", "create", "--data", data, "--tier", tier, "--name", "guard"],
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }
}
