using System.Diagnostics;

namespace Palisade.Server.Tests.Integrations;

/// <summary>Runs a real system tool (ipset, nft, nginx, fail2ban, the shipped scripts) and collects its output.</summary>
internal static class ToolRunner
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Integration(string relative) => Path.Combine(RepositoryRoot, "integrations", relative);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a shell snippet in a private network namespace: ipsets and nft tables made there vanish with it.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> InPrivateNetworkAsync(string script, IDictionary<string, string>? environment = null)
        => RunAsync("unshare", ["-n", "sh", "-c", script], environment);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "integrations")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("The repository's integrations folder was not found above the test binaries.");
    }
}
