using System.Diagnostics;

namespace Palisade.Server.Tests.Infrastructure;

/// <summary>Runs the repository's own scripts (e.g. scripts/test-services.sh) from tests.</summary>
public static class RepositoryScripts
{
    public static string Root { get; } = FindRoot();

    public static async Task RunAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(Root, script)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed: {await stderr}");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Palisade.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (Palisade.slnx) not found above " + AppContext.BaseDirectory);
    }
}
