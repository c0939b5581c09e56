using System.Security.Cryptography;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Server.Tests.Compatibility;

/// <summary>
/// SikkerAPI's official CLI (<c>sikker</c>, npm <c>@sikkerapi/cli-linux-x64</c>), fetched once per machine with
/// <c>npm pack</c> at a pinned version and checked against its SHA-256, then run against a test host the way a user
/// points it elsewhere: <c>SIKKERAPI_URL</c> and <c>SIKKERAPI_KEY</c>.
/// </summary>
internal static class SikkerCli
{
    public const string Package = "@sikkerapi/cli-linux-x64";
    public const string Version = "0.3.1";
    private const string TarballSha256 = "d924b035e871366d575e93fc778fb71df57caad133c7f3b428152448d8755327";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static string Folder { get; } = Path.Combine(Path.GetTempPath(), "palisade-sikker-cli-" + Version);

    private static string Binary => Path.Combine(Folder, "package", "bin", "sikker");

    public static async Task<string> EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(Binary))
            {
                return Binary;
            }

            var scratch = Directory.CreateTempSubdirectory("palisade-sikker-pack-").FullName;
            try
            {
                var pack = await ToolRunner.RunAsync("npm", ["pack", "--silent", "--pack-destination", scratch, $"{Package}@{Version}"],
                    timeout: TimeSpan.FromMinutes(5));
                Assert.True(pack.ExitCode == 0, "npm pack failed: " + pack.Stderr);
                var tarball = Path.Combine(scratch, $"sikkerapi-cli-linux-x64-{Version}.tgz");
                Assert.Equal(TarballSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(tarball))));
                var unpacked = Path.Combine(scratch, "unpacked");
                Directory.CreateDirectory(unpacked);
                var tar = await ToolRunner.RunAsync("tar", ["-xzf", tarball, "-C", unpacked]);
                Assert.True(tar.ExitCode == 0, tar.Stderr);
                Directory.CreateDirectory(Path.GetDirectoryName(Folder)!);
                // Moved into place whole, so a concurrent test run never sees half a binary.
                try
                {
                    Directory.Move(unpacked, Folder);
                }
                catch (IOException) when (File.Exists(Binary))
                {
                }
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }

            return Binary;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <c>sikker</c> against the host with the key; HOME is a fresh folder so no saved config is read.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(PalisadeHost host, string key, params string[] arguments)
    {
        var binary = await EnsureInstalledAsync();
        var home = TempDirectory.Create();
        try
        {
            return await ToolRunner.RunAsync(binary, arguments, new Dictionary<string, string>
            {
                ["SIKKERAPI_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
                ["SIKKERAPI_KEY"] = key,
                ["HOME"] = home,
                ["NO_COLOR"] = "1",
            });
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
