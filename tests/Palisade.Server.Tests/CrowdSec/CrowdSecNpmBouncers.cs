using System.Security.Cryptography;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Server.Tests.CrowdSec;

/// <summary>
/// CrowdSec's npm bouncer libraries (<c>@crowdsec/nodejs-bouncer</c> 0.2.0, <c>@crowdsec/express-bouncer</c> 0.1.0),
/// installed once per machine with <c>npm ci</c> from the committed <c>NpmBouncers/package-lock.json</c>, which pins
/// every package of the tree by version and SHA-512 (npm refuses a tarball that differs), then driven by
/// <c>NpmBouncers/bouncers.mjs</c> against a test host the way a site owner configures them: LAPI URL and bouncer key.
/// </summary>
internal static class CrowdSecNpmBouncers
{
    // The two libraries' tarballs as published; the lock file must keep pinning exactly these.
    private static readonly Dictionary<string, (string Version, string Integrity)> Pinned = new(StringComparer.Ordinal)
    {
        ["@crowdsec/nodejs-bouncer"] = ("0.2.0", "sha512-R6yFJbPYT7LlgdX1QKFkGkeWzEZAr/LyAkiQyaczXllf2Q1XQiiBecEb3orZp8VJdXNkh3NMTGAyEfjWb5OwHA=="),
        ["@crowdsec/express-bouncer"] = ("0.1.0", "sha512-cS5ATNInb914yOubWznMB02lheDLImtIZ8A7n99sn7q2YI+P3Zt6G/Mttp+d1NL1PDUkFBMFlBreOslkcWwLFQ=="),
    };

    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static string Source { get; } = Path.Combine(ToolRunner.RepositoryRoot, "tests", "Palisade.Server.Tests", "CrowdSec", "NpmBouncers");

    public static async Task<string> EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            var lockFile = await File.ReadAllBytesAsync(Path.Combine(Source, "package-lock.json"));
            using (var document = JsonDocument.Parse(lockFile))
            {
                var packages = document.RootElement.GetProperty("packages");
                foreach (var (name, (version, integrity)) in Pinned)
                {
                    var entry = packages.GetProperty("node_modules/" + name);
                    Assert.Equal(version, entry.GetProperty("version").GetString());
                    Assert.Equal(integrity, entry.GetProperty("integrity").GetString());
                }
            }

            // One folder per lock file content: a changed lock installs afresh, next to the old one.
            var folder = Path.Combine(Path.GetTempPath(), "palisade-crowdsec-npm-" + Convert.ToHexStringLower(SHA256.HashData(lockFile))[..16]);
            if (Pinned.Keys.All(name => File.Exists(Path.Combine(folder, "node_modules", name, "package.json"))))
            {
                return folder;
            }

            var scratch = Directory.CreateTempSubdirectory("palisade-crowdsec-npm-install-").FullName;
            try
            {
                File.Copy(Path.Combine(Source, "package.json"), Path.Combine(scratch, "package.json"));
                await File.WriteAllBytesAsync(Path.Combine(scratch, "package-lock.json"), lockFile);
                // --ignore-scripts: nothing from the registry runs at install time.
                var install = await ToolRunner.RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", scratch],
                    timeout: TimeSpan.FromMinutes(10));
                Assert.True(install.ExitCode == 0, "npm ci failed: " + install.Stderr);
                foreach (var (name, (version, _)) in Pinned)
                {
                    using var installed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(scratch, "node_modules", name, "package.json")));
                    Assert.Equal(version, installed.RootElement.GetProperty("version").GetString());
                }

                // Moved into place whole, so a concurrent test run never sees half a tree.
                try
                {
                    Directory.Move(scratch, folder);
                }
                catch (IOException) when (Directory.Exists(folder))
                {
                }
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }

            return folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <c>bouncers.mjs</c> (copied next to the installed libraries, where Node resolves them) and returns
    /// its <c>RESULT</c> lines by step name, with the whole output for failure messages.</summary>
    public static async Task<(Dictionary<string, JsonElement> Results, string Output)> RunAsync(PalisadeHost host, string key, string badKey,
        string bannedIp, string cleanIp)
    {
        var folder = await EnsureInstalledAsync();
        var script = Path.Combine(folder, $"bouncers-{Guid.NewGuid():N}.mjs");
        File.Copy(Path.Combine(Source, "bouncers.mjs"), script);
        try
        {
            var (exitCode, stdout, stderr) = await ToolRunner.RunAsync("node", [script], new Dictionary<string, string>
            {
                ["LAPI_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
                ["BOUNCER_KEY"] = key,
                ["BAD_KEY"] = badKey,
                ["BANNED_IP"] = bannedIp,
                ["CLEAN_IP"] = cleanIp,
                ["NODE_ENV"] = "test",
                ["LOG_LEVEL"] = "info",
            }, TimeSpan.FromMinutes(3));
            var output = stdout + stderr;
            Assert.True(exitCode == 0, "node bouncers.mjs failed: " + output);
            var results = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var line in stdout.Split('\n').Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)))
            {
                var result = JsonDocument.Parse(line["RESULT ".Length..]).RootElement;
                results[result.GetProperty("name").GetString()!] = result.GetProperty("value").Clone();
            }

            return (results, output);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
