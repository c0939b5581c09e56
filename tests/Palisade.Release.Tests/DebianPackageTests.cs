using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Release.Tests;

/// <summary>
/// The amd64 package on this (disposable, root) machine: installed by apt and dpkg, its unit run by hand as the
/// palisade user, removed and purged. Every test purges the package at its end, so the machine is left as found.
/// </summary>
[Collection("release")]
public sealed partial class DebianPackageTests(ReleaseBuild build)
{
    private const string DataFolder = "/var/lib/palisade";
    private const string ConfigFile = "/etc/palisade/palisade.json";
    private const string ServerUnit = "/lib/systemd/system/palisade.service";
    private const string SensorUnit = "/lib/systemd/system/palisade-sensor.service";

    [Fact]
    public async Task Apt_installs_the_package_with_its_dependencies_as_a_system_service()
    {
        build.EnsureBuilt();
        await PurgeLeftoverOfOurOwnAsync();
        try
        {
            var apt = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", build.Deb("amd64")],
                new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
            Assert.True(apt.ExitCode == 0, apt.Stdout + apt.Stderr);
            Assert.Equal($"install ok installed {ReleaseBuild.DebVersion}", (await RunAsync("dpkg-query", ["-W", "-f=${Status} ${Version}", "palisade"])).Stdout);

            // The service user: a system account without a login, at home in its data folder.
            var user = (await RunAsync("getent", ["passwd", "palisade"])).Stdout.Trim().Split(':');
            Assert.True(int.Parse(user[2], System.Globalization.CultureInfo.InvariantCulture) < 1000, "palisade is not a system user: " + string.Join(':', user));
            Assert.Equal(DataFolder, user[5]);
            Assert.Equal("/usr/sbin/nologin", user[6]);
            Assert.Equal("700 palisade:palisade", await StatAsync(DataFolder));

            // The settings: a conffile (kept over local edits on upgrade), readable by the service and not by others.
            Assert.Contains(ConfigFile, (await RunAsync("dpkg-query", ["-W", "-f=${Conffiles}", "palisade"])).Stdout, StringComparison.Ordinal);
            Assert.Equal("640 root:palisade", await StatAsync(ConfigFile));

            var version = await RunAsync("/usr/bin/palisade", ["--version"]);
            Assert.StartsWith($"palisade {ReleaseBuild.Version} (commit {build.Commit}", version.Stdout, StringComparison.Ordinal);

            var verify = await RunAsync("systemd-analyze", ["verify", ServerUnit, SensorUnit]);
            Assert.True(verify.ExitCode == 0, "systemd-analyze verify: " + verify.Stdout + verify.Stderr);
            Assert.DoesNotContain("palisade", verify.Stdout + verify.Stderr, StringComparison.Ordinal);

            var unit = await File.ReadAllTextAsync(ServerUnit);
            foreach (var hardening in new[] { "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes", $"ReadWritePaths={DataFolder}", "User=palisade" })
            {
                Assert.Contains(hardening + "\n", unit, StringComparison.Ordinal);
            }
        }
        finally
        {
            await PurgeAsync();
        }
    }

    [Fact]
    public async Task The_units_ExecStart_run_as_the_palisade_user_serves_healthz_with_its_data_in_var_lib()
    {
        build.EnsureBuilt();
        await PurgeLeftoverOfOurOwnAsync();
        try
        {
            await DpkgInstallAsync();
            var unit = await File.ReadAllTextAsync(ServerUnit);
            var execStart = ExecStartLine().Match(unit).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            Assert.Equal("/usr/bin/palisade", execStart[0]);
            // The unit listens on 8080; this machine may use it, so only the port changes.
            var urls = execStart.IndexOf("--urls");
            var port = ReleaseArtifactTests.FreePort();
            execStart[urls + 1] = Regex.Replace(execStart[urls + 1], ":[0-9]+$", ":" + port);

            // As systemd would start it: the unit's user and working folder, its user's HOME, nothing else inherited.
            var info = new ProcessStartInfo("setpriv", ["--reuid=palisade", "--regid=palisade", "--init-groups", "--", .. execStart])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = DataFolder,
            };
            info.Environment.Clear();
            info.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
            info.Environment["HOME"] = DataFolder;
            info.Environment["USER"] = "palisade";
            info.Environment["LOGNAME"] = "palisade";
            using var server = Process.Start(info)!;
            var output = new ProcessOutput(server);
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                Assert.Contains("\"status\":\"ok\"", await ReleaseArtifactTests.WaitForHealthAsync(client, server, output), StringComparison.Ordinal);
                Assert.EndsWith(" palisade:palisade", await StatAsync(Path.Combine(DataFolder, "palisade.db")), StringComparison.Ordinal);

                // An operator's first step (docs/deploy.md): a key made as the service user works against the service.
                var key = await AsPalisadeAsync(["/usr/bin/palisade", "keys", "create", "--data", DataFolder, "--tier", "free", "--name", "first"]);
                Assert.True(key.ExitCode == 0, key.Stderr);
                Assert.Equal(System.Net.HttpStatusCode.OK, await ReleaseArtifactTests.RetryUntilOkAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "/v1/key/status")
                {
                    Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key.Stdout.Trim()) },
                }));
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            await PurgeAsync();
        }
    }

    [Fact]
    public async Task Remove_keeps_the_data_and_purge_deletes_it()
    {
        build.EnsureBuilt();
        await PurgeLeftoverOfOurOwnAsync();
        try
        {
            await DpkgInstallAsync();
            var key = await AsPalisadeAsync(["/usr/bin/palisade", "keys", "create", "--data", DataFolder, "--tier", "free", "--name", "survivor"]);
            Assert.True(key.ExitCode == 0, key.Stderr);

            var remove = await RunAsync("dpkg", ["-r", "palisade"]);
            Assert.True(remove.ExitCode == 0, remove.Stdout + remove.Stderr);
            Assert.False(File.Exists("/usr/bin/palisade"), "dpkg -r left the binary");
            Assert.True(File.Exists(Path.Combine(DataFolder, "palisade.db")), "dpkg -r deleted the database");
            Assert.True(File.Exists(ConfigFile), "dpkg -r deleted the conffile");

            // Installed again, it finds the same data: the key made before is still there.
            await DpkgInstallAsync();
            var keys = await AsPalisadeAsync(["/usr/bin/palisade", "keys", "list", "--data", DataFolder]);
            Assert.Contains("survivor", keys.Stdout, StringComparison.Ordinal);

            var purge = await RunAsync("dpkg", ["-P", "palisade"]);
            Assert.True(purge.ExitCode == 0, purge.Stdout + purge.Stderr);
            Assert.False(Directory.Exists(DataFolder), "dpkg -P left " + DataFolder);
            Assert.False(File.Exists(ConfigFile), "dpkg -P left " + ConfigFile);
            Assert.DoesNotContain("installed", (await RunAsync("dpkg-query", ["-W", "-f=${Status}", "palisade"])).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await PurgeAsync();
        }
    }

    [GeneratedRegex(@"(?m)^ExecStart=(.+)$")]
    private static partial Regex ExecStartLine();

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        ToolRunner.RunAsync(file, arguments, environment, TimeSpan.FromMinutes(5));

    private static Task<(int ExitCode, string Stdout, string Stderr)> AsPalisadeAsync(IEnumerable<string> command) =>
        RunAsync("runuser", ["-u", "palisade", "--", .. command]);

    private static async Task<string> StatAsync(string path) => (await RunAsync("stat", ["-c", "%a %U:%G", path])).Stdout.Trim();

    private async Task DpkgInstallAsync()
    {
        var install = await RunAsync("dpkg", ["-i", build.Deb("amd64")]);
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
    }

    private static async Task PurgeAsync()
    {
        var purge = await RunAsync("dpkg", ["-P", "palisade"]);
        Assert.True(purge.ExitCode == 0, purge.Stdout + purge.Stderr);
    }

    /// <summary>
    /// A palisade package left by an interrupted run of these tests (our test version) is purged; any other one is a
    /// real installation, whose data these tests must not delete: fail instead.
    /// </summary>
    private static async Task PurgeLeftoverOfOurOwnAsync()
    {
        var state = await RunAsync("dpkg-query", ["-W", "-f=${db:Status-Abbrev} ${Version}", "palisade"]);
        if (state.ExitCode != 0 || state.Stdout.StartsWith("un", StringComparison.Ordinal))
        {
            return;
        }

        Assert.True(state.Stdout.EndsWith(" " + ReleaseBuild.DebVersion, StringComparison.Ordinal),
            $"a palisade package ({state.Stdout.Trim()}) is installed on this machine; the release tests install and purge the package, so run them on a disposable machine");
        await PurgeAsync();
    }
}
