using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Palisade.Cli.Guard;

/// <summary>Runs ipset or nft with a script on standard input and turns a refusal into a <see cref="FirewallException"/>.</summary>
internal static class FirewallTool
{
    private const int MaxErrorLength = 2000;

    /// <summary>Runs <paramref name="file"/> to completion. Not cancellable on purpose: a firewall change half fed is worse than a late exit.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IReadOnlyList<string> arguments, string? stdin = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new FirewallException($"{file} could not be started.");
        }
        catch (Win32Exception ex)
        {
            throw new FirewallException($"{file} could not be started ({ex.Message}); is it installed and on PATH?", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.WriteAsync(stdin);
                }
            }
            catch (IOException)
            {
                // The tool stopped reading (it failed early): its exit code and stderr say why.
            }
            finally
            {
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(CancellationToken.None);
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs and throws with the tool's own message unless it exits 0.</summary>
    public static async Task<string> RunCheckedAsync(string file, IReadOnlyList<string> arguments, string? stdin, string what)
    {
        var (code, stdout, stderr) = await RunAsync(file, arguments, stdin);
        if (code != 0)
        {
            var message = stderr.Trim();
            if (message.Length > MaxErrorLength)
            {
                message = message[..MaxErrorLength] + "…";
            }

            throw new FirewallException($"{file} refused {what} (exit {code}): {message}");
        }

        return stdout;
    }
}
