using System.Diagnostics;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>
/// <c>palisade guard</c> against a real server, driving the real ipset and nft in a private network namespace
/// (<see cref="GuardNamespace"/>): full sync, incremental pulls, the allowlist, fail-static, and shutdown.
/// </summary>
public sealed class GuardTests
{
    private static readonly string[] FirstV4 = ["45.33.50.1", "45.33.50.2", "185.220.101.7"];
    private static readonly string[] FirstV6 = ["2600:3c00::50", "2a03:b0c0::1", "2a0c:9a40:1::5"];

    // The operator's own networks: reported (so they are on the server's list) but never blocked here.
    private const string Allowlist = "# our office and our v6 range\n185.220.101.0/24\n2a0c:9a40:1::/48  # lab\n\n";

    private static string[] Without(IEnumerable<string> listed, params string[] allowed)
        => [.. listed.Where(a => !allowed.Contains(a)).Order(StringComparer.Ordinal)];

    private static bool InAllowlist(string address) => address.StartsWith("185.220.101.", StringComparison.Ordinal) || address.StartsWith("2a0c:9a40:1:", StringComparison.Ordinal);

    [Theory]
    [InlineData("ipset")]
    [InlineData("nftables")]
    public async Task First_run_fills_the_sets_with_the_list_minus_the_allowlist_and_later_runs_apply_only_the_difference(string backend)
    {
        await using var space = await GuardNamespace.StartAsync();
        await File.WriteAllTextAsync(space.AllowPath, Allowlist);
        await space.ReportAsync([.. FirstV4, .. FirstV6]);

        var (code, stdout, stderr) = await space.GuardOnceAsync(backend, "--allow", space.AllowPath);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("full sync", stdout, StringComparison.Ordinal);
        var listed = await space.ListedAsync();
        Assert.Equal(6, listed.Length);
        var expected = listed.Where(a => !InAllowlist(a)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["2600:3c00::50", "2a03:b0c0::1", "45.33.50.1", "45.33.50.2"], expected);
        Assert.Equal(expected, await space.MembersAsync(backend));

        // A marker put into the live set by hand survives an incremental run: nothing was swapped or flushed.
        const string marker = "192.0.2.77";
        if (backend == "ipset")
        {
            await space.MustAsync("ipset", "add", "palisade-v4", marker);
        }
        else
        {
            await space.MustAsync("nft", "add", "element", "inet", "palisade", "blocklist_v4", "{", marker, "}");
        }

        await space.ReportAsync("45.33.50.9", "2600:3c00::99", "185.220.101.8");
        await space.ClearAsync("45.33.50.2");
        (code, stdout, stderr) = await space.GuardOnceAsync(backend, "--allow", space.AllowPath);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("incremental sync", stdout, StringComparison.Ordinal);
        Assert.Contains("+2 -1,", stdout, StringComparison.Ordinal);
        listed = await space.ListedAsync();
        Assert.Contains("185.220.101.8", listed);
        Assert.DoesNotContain("45.33.50.2", listed);
        expected = [.. listed.Where(a => !InAllowlist(a)).Append(marker).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, await space.MembersAsync(backend));

        // The allowlist grows: an address the guard added comes out on the next run, and stays out.
        await File.AppendAllTextAsync(space.AllowPath, "45.33.50.0/28\n");
        (code, stdout, stderr) = await space.GuardOnceAsync(backend, "--allow", space.AllowPath);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("+0 -2,", stdout, StringComparison.Ordinal); // 45.33.50.1 and 45.33.50.9
        Assert.Equal(Without(expected, "45.33.50.1", "45.33.50.9"), await space.MembersAsync(backend));
        Assert.DoesNotContain(space.Key, stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ipset")]
    [InlineData("nftables")]
    public async Task Server_down_leaves_the_sets_unchanged_and_says_why_then_a_restarted_server_resets_them(string backend)
    {
        await using var space = await GuardNamespace.StartAsync();
        await space.ReportAsync("45.33.50.1", "2600:3c00::50");
        var (code, stdout, stderr) = await space.GuardOnceAsync(backend);
        Assert.True(code == 0, stderr + stdout);
        var synced = await space.MembersAsync(backend);
        Assert.Equal(["2600:3c00::50", "45.33.50.1"], synced);

        space.StopServer();
        (code, stdout, stderr) = await space.GuardOnceAsync(backend);
        Assert.Equal(69, code);
        Assert.Contains("unreachable", stderr, StringComparison.Ordinal);
        Assert.Contains("the sets are unchanged", stderr, StringComparison.Ordinal);
        Assert.Equal(synced, await space.MembersAsync(backend));

        // A new server process cannot continue the old cursor: the guard replaces the sets with the whole list.
        await space.StartServerAsync();
        await space.ReportAsync("45.33.50.3");
        (code, stdout, stderr) = await space.GuardOnceAsync(backend);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("could not answer from the saved cursor", stderr, StringComparison.Ordinal);
        Assert.Equal(await space.ListedAsync(), await space.MembersAsync(backend));
        Assert.Equal(3, (await space.MembersAsync(backend)).Length);
    }

    [Theory]
    [InlineData("ipset")]
    [InlineData("nftables")]
    public async Task Sets_missing_after_a_reboot_are_rebuilt_in_full_even_with_a_saved_cursor(string backend)
    {
        await using var space = await GuardNamespace.StartAsync();
        await space.ReportAsync("45.33.50.1", "2a03:b0c0::1");
        Assert.Equal(0, (await space.GuardOnceAsync(backend)).ExitCode);
        if (backend == "ipset")
        {
            await space.MustAsync("ipset", "destroy", "palisade-v4");
            await space.MustAsync("ipset", "destroy", "palisade-v6");
        }
        else
        {
            await space.MustAsync("nft", "delete", "table", "inet", "palisade");
        }

        var (code, stdout, stderr) = await space.GuardOnceAsync(backend);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("missing", stderr, StringComparison.Ordinal);
        Assert.Contains("full sync", stdout, StringComparison.Ordinal);
        Assert.Equal(["2a03:b0c0::1", "45.33.50.1"], await space.MembersAsync(backend));
    }

    [Fact]
    public async Task Refused_key_exits_77_with_a_clear_message_and_changes_nothing()
    {
        await using var space = await GuardNamespace.StartAsync();
        await space.ReportAsync("45.33.50.1");
        var wrongKey = "sk_enterprise_" + new string('x', 40);
        var (code, stdout, stderr) = await space.GuardAsync(wrongKey, ["--once"]);
        Assert.Equal(77, code);
        Assert.Contains("401", stderr, StringComparison.Ordinal);
        Assert.Contains("PALISADE_KEY", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, stdout + stderr, StringComparison.Ordinal);
        Assert.Null(await space.TryMembersAsync("ipset"));
        Assert.False(File.Exists(space.StatePath));
    }

    [Fact]
    public async Task Bad_filter_or_allowlist_is_refused_before_the_firewall_is_touched()
    {
        await using var space = await GuardNamespace.StartAsync();
        await space.ReportAsync("45.33.50.1");
        await File.WriteAllTextAsync(space.AllowPath, "10.0.0.0/8\n10.1.2.3/16\n");
        var (code, _, stderr) = await space.GuardOnceAsync("ipset", "--allow", space.AllowPath);
        Assert.Equal(2, code);
        Assert.Contains("line 2", stderr, StringComparison.Ordinal);
        Assert.Contains("10.1.0.0/16", stderr, StringComparison.Ordinal); // the network probably meant

        (code, _, stderr) = await space.GuardOnceAsync("nftables", "--only-countries", "XX");
        Assert.Equal(2, code);
        Assert.Contains("400", stderr, StringComparison.Ordinal);
        Assert.Contains("onlyCountries", stderr, StringComparison.Ordinal);
        Assert.Null(await space.TryMembersAsync("ipset"));
        Assert.Null(await space.TryMembersAsync("nftables"));
    }

    [Fact]
    public async Task Running_guard_syncs_then_stops_cleanly_on_SIGTERM_leaving_the_sets_in_place()
    {
        await using var space = await GuardNamespace.StartAsync();
        await space.ReportAsync("45.33.50.1", "2600:3c00::50");
        using var guard = space.StartGuard("ipset", "--interval", "10s");
        var stdout = guard.StandardOutput.ReadToEndAsync();
        var stderr = guard.StandardError.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await space.TryMembersAsync("ipset"))?.Length != 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the running guard did not fill the sets: " + (guard.HasExited ? await stderr : ""));
                await Task.Delay(100);
            }

            var watch = Stopwatch.StartNew();
            Assert.Equal(0, (await ToolRunner.RunAsync("kill", ["-TERM", guard.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode);
            await guard.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed} to stop");
            Assert.Equal(0, guard.ExitCode);
            Assert.Contains("full sync", await stdout, StringComparison.Ordinal);
            Assert.Contains("stopping", await stderr, StringComparison.Ordinal);
            Assert.Equal(["2600:3c00::50", "45.33.50.1"], await space.MembersAsync("ipset"));
        }
        finally
        {
            if (!guard.HasExited)
            {
                guard.Kill(entireProcessTree: true);
            }
        }
    }
}
