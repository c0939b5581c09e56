using System.Diagnostics;
using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>/readyz tells a load balancer the truth: a store that cannot write, or dashboard keys that cannot be read.</summary>
public sealed class ReadinessTests : IDisposable
{
    private static readonly string[] OnSqlite = ["--postgres", ""];

    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    private static async Task<int> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [Fact]
    public async Task A_full_disk_makes_readyz_503_and_it_recovers_when_space_returns()
    {
        // A small file system of its own (the test runs as root, as scripts/test.sh does in CI), filled to the brim.
        var mount = Path.Combine(_data, "small");
        Directory.CreateDirectory(mount);
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount));
        try
        {
            var data = Path.Combine(mount, "data");
            using var server = await PalisadeProcess.ServeAsync(data, OnSqlite);
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

            var filler = Path.Combine(mount, "filler");
            using (var handle = File.OpenHandle(filler, FileMode.Create, FileAccess.Write))
            {
                long offset = 0;
                foreach (var size in new[] { 1 << 20, 4096 })
                {
                    var block = new byte[size];
                    Array.Fill(block, (byte)1);
                    try
                    {
                        while (true)
                        {
                            RandomAccess.Write(handle, block, offset);
                            offset += size;
                        }
                    }
                    catch (IOException)
                    {
                        // ENOSPC: no room for this block size; then fill the rest with smaller ones.
                    }
                }
            }

            var full = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Contains("no writes", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            File.Delete(filler);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
        }
    }

    [Fact]
    public async Task A_corrupt_dashboard_key_file_is_reported_at_start_and_in_readyz()
    {
        var keys = Directory.CreateDirectory(Path.Combine(_data, "dashboard-keys"));
        await File.WriteAllTextAsync(Path.Combine(keys.FullName, "key-6b1f0c9e-1f3c-4a43-9d6e-0c2f1c2d3e4f.xml"), "<key id=\"6b1f\" version=\"1\"><creationDate>garbage");
        using var server = await PalisadeProcess.ServeAsync(_data);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("dashboard-keys", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await server.WaitForOutputAsync("fail: Palisade.Health");
        await server.WaitForOutputAsync("dashboard-keys");
    }
}
