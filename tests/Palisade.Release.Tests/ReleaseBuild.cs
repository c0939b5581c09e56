using Palisade.Server.Tests.Integrations;

namespace Palisade.Release.Tests;

/// <summary>
/// Runs <c>scripts/release.sh</c> once for the whole collection (two self-contained publishes take minutes) into a
/// throw-away folder, and removes that folder and the script's build tree afterwards.
/// </summary>
public sealed class ReleaseBuild : IAsyncLifetime
{
    /// <summary>A version no real release uses, so a package left by a crashed run is recognisable as ours.</summary>
    public const string Version = "0.0.1-citest";

    /// <summary>The same version as Debian writes it.</summary>
    public const string DebVersion = "0.0.1~citest";

    /// <summary>
    /// Set by a developer to a dist/ that <c>scripts/release.sh 0.0.1-citest</c> already wrote, to check it again
    /// without the minutes of building; unset (CI), the script runs here.
    /// </summary>
    private static readonly string? Prebuilt = Environment.GetEnvironmentVariable("PALISADE_RELEASE_TESTS_DIST");

    private string _log = "";
    private int _exitCode = -1;

    public string Dist { get; } = Prebuilt ?? Path.Combine(Path.GetTempPath(), "palisade-release-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The commit the binaries must report (<c>git rev-parse HEAD</c>).</summary>
    public string Commit { get; private set; } = "";

    public string Artifact(string name) => Path.Combine(Dist, name);

    public string Tarball(string arch) => Artifact($"palisade-{Version}-linux-{arch}.tar.gz");

    public string Deb(string arch) => Artifact($"palisade_{DebVersion}_{arch}.deb");

    /// <summary>Fails the calling test with the script's output when the release build failed.</summary>
    public void EnsureBuilt() =>
        Assert.True(_exitCode == 0, $"scripts/release.sh exited with {_exitCode}:\n{_log}");

    public async Task InitializeAsync()
    {
        var git = await ToolRunner.RunAsync("git", ["-C", ToolRunner.RepositoryRoot, "rev-parse", "HEAD"]);
        Commit = git.Stdout.Trim();
        if (Prebuilt is not null)
        {
            _exitCode = 0;
            return;
        }

        var (exitCode, stdout, stderr) = await ToolRunner.RunAsync("bash", [Path.Combine(ToolRunner.RepositoryRoot, "scripts", "release.sh"), Version],
            new Dictionary<string, string> { ["PALISADE_DIST"] = Dist }, TimeSpan.FromMinutes(45));
        _exitCode = exitCode;
        _log = stdout + stderr;
    }

    public Task DisposeAsync()
    {
        if (Prebuilt is not null)
        {
            return Task.CompletedTask;
        }

        if (Directory.Exists(Dist))
        {
            Directory.Delete(Dist, recursive: true);
        }

        // The script's own build tree (two publishes, some hundreds of MB): not left on the CI machine.
        var build = Path.Combine(ToolRunner.RepositoryRoot, "artifacts", "release");
        if (Directory.Exists(build))
        {
            Directory.Delete(build, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Every release test shares one build and runs one at a time (the package tests change the machine).</summary>
[CollectionDefinition("release")]
public sealed class ReleaseCollection : ICollectionFixture<ReleaseBuild>;
