using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Release.Tests;

/// <summary>What <c>scripts/release.sh</c> puts in dist/: checksummed archives and packages for both architectures,
/// and a binary that runs where no .NET is installed.</summary>
[Collection("release")]
public sealed class ReleaseArtifactTests(ReleaseBuild build) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("palisade-release-run-").FullName;

    [Fact]
    public async Task Release_script_writes_both_architectures_and_checksums_that_verify()
    {
        build.EnsureBuilt();
        string[] expected =
        [
            Path.GetFileName(build.Tarball("x64")), Path.GetFileName(build.Tarball("arm64")),
            Path.GetFileName(build.Deb("amd64")), Path.GetFileName(build.Deb("arm64")),
        ];
        foreach (var name in expected)
        {
            Assert.True(File.Exists(build.Artifact(name)), $"{name} is missing from dist/");
        }

        var sums = await ToolRunner.RunAsync("sh", ["-c", $"cd '{build.Dist}' && sha256sum -c SHA256SUMS"]);
        Assert.True(sums.ExitCode == 0, sums.Stdout + sums.Stderr);
        Assert.Equal(expected.Order().Select(n => n + ": OK"), sums.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        var listing = await ToolRunner.RunAsync("tar", ["-tzf", build.Tarball("x64")]);
        var top = $"palisade-{ReleaseBuild.Version}-linux-x64/";
        Assert.Equal([top, top + "libe_sqlite3.so", top + "palisade"], listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task Linux_x64_binary_serves_healthz_from_an_empty_folder_with_no_dotnet_on_the_machine()
    {
        build.EnsureBuilt();
        var folder = Path.Combine(_scratch, "bare");
        Directory.CreateDirectory(folder);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        var untar = await ToolRunner.RunAsync("tar", ["-xzf", build.Tarball("x64"), "-C", folder, "--strip-components=1"]);
        Assert.True(untar.ExitCode == 0, untar.Stderr);

        // In a private mount namespace every .NET installation on this machine is hidden under an empty tmpfs, and
        // the environment holds PATH and HOME only: no DOTNET_* variable, no runtime to fall back on.
        var hide = string.Concat(new[] { "/usr/share/dotnet", "/usr/lib/dotnet", "/opt/dotnet", "/root/.dotnet" }
            .Where(Directory.Exists).Select(d => $"mount -t tmpfs none '{d}' && "));
        var port = FreePort();
        var script = $"{hide}test ! -e /usr/share/dotnet/dotnet && cd '{folder}' && ./palisade --version && " +
                     $"exec ./palisade serve --urls http://127.0.0.1:{port} --data ./data";
        var info = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", script])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder,
        };
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        info.Environment["HOME"] = folder;
        Assert.DoesNotContain(info.Environment.Keys, k => k.StartsWith("DOTNET_", StringComparison.Ordinal));

        using var server = Process.Start(info)!;
        var output = new ProcessOutput(server);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var health = await WaitForHealthAsync(client, server, output);
            Assert.Contains("\"status\":\"ok\"", health, StringComparison.Ordinal);
            Assert.Contains($"palisade {ReleaseBuild.Version} (commit {build.Commit}", output.Text, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "data", "palisade.db")), "the database was not created in ./data");

            // The same binary administers the folder while the server runs: a key it creates is accepted.
            var key = await ToolRunner.RunAsync(Path.Combine(folder, "palisade"), ["keys", "create", "--data", Path.Combine(folder, "data"), "--tier", "free", "--name", "release-test"],
                new Dictionary<string, string> { ["HOME"] = folder });
            Assert.True(key.ExitCode == 0, key.Stderr);
            Assert.Equal(HttpStatusCode.OK, await RetryUntilOkAsync(client, () => new HttpRequestMessage(HttpMethod.Get, "/v1/key/status")
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

    [Fact]
    public async Task Arm64_artifacts_are_aarch64_and_x64_artifacts_are_x86_64()
    {
        build.EnsureBuilt();
        foreach (var (arch, debArch, machine) in new[] { ("arm64", "arm64", "ARM aarch64"), ("x64", "amd64", "x86-64") })
        {
            var folder = Path.Combine(_scratch, arch);
            Directory.CreateDirectory(folder);
            Assert.Equal(0, (await ToolRunner.RunAsync("tar", ["-xzf", build.Tarball(arch), "-C", folder, "--strip-components=1"])).ExitCode);
            foreach (var file in new[] { "palisade", "libe_sqlite3.so" })
            {
                var type = await ToolRunner.RunAsync("file", ["-b", Path.Combine(folder, file)]);
                Assert.Contains("ELF 64-bit", type.Stdout, StringComparison.Ordinal);
                Assert.Contains(machine, type.Stdout, StringComparison.Ordinal);
            }

            var control = await ToolRunner.RunAsync("dpkg-deb", ["-f", build.Deb(debArch), "Architecture", "Version"]);
            Assert.Equal($"Architecture: {debArch}\nVersion: {ReleaseBuild.DebVersion}\n", control.Stdout);
        }
    }

    [Fact]
    public async Task Packages_are_lintian_clean()
    {
        build.EnsureBuilt();
        var lintian = await ToolRunner.RunAsync("lintian", ["--fail-on", "error,warning", "--tag-display-limit", "0", build.Deb("amd64"), build.Deb("arm64")],
            timeout: TimeSpan.FromMinutes(10));
        Assert.True(lintian.ExitCode == 0, "lintian: " + lintian.Stdout + lintian.Stderr);
        Assert.DoesNotMatch("(?m)^[EW]: ", lintian.Stdout);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls /healthz until it answers 200 (start-up reads the database; a loaded machine is slow).</summary>
    internal static async Task<string> WaitForHealthAsync(HttpClient client, Process server, ProcessOutput output)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, "the server exited:\n" + output.Text);
            try
            {
                var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync();
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("/healthz never answered 200:\n" + output.Text);
    }

    /// <summary>A key made by another process is seen by the server within a second or so: poll briefly.</summary>
    internal static async Task<HttpStatusCode> RetryUntilOkAsync(HttpClient client, Func<HttpRequestMessage> request)
    {
        var status = HttpStatusCode.InternalServerError;
        for (var i = 0; i < 60 && status != HttpStatusCode.OK; i++)
        {
            using var message = request();
            status = (await client.SendAsync(message)).StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(500);
            }
        }

        return status;
    }
}

/// <summary>Collects a process's stdout and stderr as they arrive, for assertions and failure messages.</summary>
internal sealed class ProcessOutput
{
    private readonly System.Text.StringBuilder _text = new();

    public ProcessOutput(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        lock (_text)
        {
            _text.AppendLine(line);
        }
    }
}
