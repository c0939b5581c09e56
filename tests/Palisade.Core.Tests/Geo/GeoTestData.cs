using Palisade.Core.Geo;

namespace Palisade.Core.Tests.Geo;

/// <summary>
/// The real ip-location-db data, installed once per machine into a shared temp folder with <c>npm pack</c> (the same
/// code path as <c>palisade geo install</c>) and reused by later runs and by the server tests.
/// </summary>
internal static class GeoTestData
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "palisade-geo-test-" + GeoDataInstaller.PackageVersion);

    public static async Task<string> EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            Directory.CreateDirectory(Folder);
            // A lock file keeps two test processes (core and server tests run side by side) from installing at once.
            using var lockFile = await AcquireAsync(Path.Combine(Folder, ".lock"));
            if (GeoDataFiles.ReadManifest(Folder).Count < 2)
            {
                await Palisade.Cli.Commands.GeoPackageFetcher.InstallAsync(Folder);
            }

            return Folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<FileStream> AcquireAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }
}
