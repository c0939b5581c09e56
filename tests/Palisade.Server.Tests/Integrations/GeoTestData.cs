using Palisade.Core.Geo;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// The real ip-location-db data, installed once per machine into a shared temp folder with <c>npm pack</c> (the code
/// path of <c>palisade geo install</c>), shared with the core tests; a host gets it through a <c>geo</c> link.
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

    /// <summary>A fresh data folder whose <c>geo</c> is the shared installed data.</summary>
    public static async Task<string> DataDirectoryWithGeoAsync()
    {
        var folder = await EnsureInstalledAsync();
        var data = Directory.CreateTempSubdirectory("palisade-test-").FullName;
        Directory.CreateSymbolicLink(GeoDataFiles.FolderOf(data), folder);
        return data;
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
