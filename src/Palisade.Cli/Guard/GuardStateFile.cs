using System.Text.Json;
using Palisade.Core.IO;

namespace Palisade.Cli.Guard;

/// <summary>Reads and writes <see cref="GuardState"/> (<c>--state FILE</c>); writes go to a temporary file renamed over the
/// old one, so a crash leaves either the old state or the new one.</summary>
internal static class GuardStateFile
{
    /// <summary>The saved state, or null when there is none or it cannot be used (then the next sync is a full one).</summary>
    public static async Task<GuardState?> LoadAsync(string path, Action<string> log, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, GuardJsonContext.Default.GuardState, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            log($"state {path} is unreadable ({ex.Message}); doing a full sync.");
            return null;
        }
    }

    public static async Task SaveAsync(string path, GuardState state, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await AtomicFile.WriteAsync(full, (stream, ct) => JsonSerializer.SerializeAsync(stream, state, GuardJsonContext.Default.GuardState, ct),
            cancellationToken);
    }
}
