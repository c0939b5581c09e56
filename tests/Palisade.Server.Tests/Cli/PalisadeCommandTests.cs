using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cli;

/// <summary>The shipped command, run as real processes: admin commands, serve, and a crash right after a 200.</summary>
public sealed class PalisadeCommandTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Keys_create_prints_the_key_alone_and_list_never_shows_it()
    {
        var (code, stdout, _) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "professional", "--name", "ops");
        Assert.Equal(0, code);
        var key = stdout.TrimEnd('\n');
        Assert.Matches("^sk_professional_[0-9A-Za-z]{32}$", key);

        var (listCode, list, _) = await PalisadeProcess.RunAsync("keys", "list", "--data", _data, "--json");
        Assert.Equal(0, listCode);
        var keys = JsonDocument.Parse(list).RootElement;
        Assert.Equal("ops", keys[0].GetProperty("name").GetString());
        Assert.Equal("professional", keys[0].GetProperty("tier").GetString());
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);

        var duplicate = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "ops");
        Assert.NotEqual(0, duplicate.ExitCode);
        var badTier = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "x", "--tier", "platinum");
        Assert.NotEqual(0, badTier.ExitCode);
        Assert.Contains("Unknown tier", badTier.Stderr);
        var badLimit = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "y", "--limit", "lookups");
        Assert.NotEqual(0, badLimit.ExitCode);
    }

    [Fact]
    public async Task Keys_created_and_revoked_while_the_server_runs_take_effect()
    {
        using var server = await PalisadeProcess.ServeAsync(_data);
        var (_, stdout, _) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "live", "--limit", "check=2");
        using var client = Client(server.BaseAddress, stdout.Trim());
        var first = await client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("X-Daily-Limit").Single());

        var revoke = await PalisadeProcess.RunAsync("keys", "revoke", "--data", _data, "live");
        Assert.Equal(0, revoke.ExitCode);
        var status = HttpStatusCode.OK;
        for (var i = 0; i < 50 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            status = (await client.GetAsync("/v1/key/status")).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_report_answered_200_survives_kill_9()
    {
        var (_, stdout, _) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--name", "crash", "--tier", "enterprise");
        var key = stdout.Trim();
        using (var server = await PalisadeProcess.ServeAsync(_data))
        {
            using var client = Client(server.BaseAddress, key);
            for (var i = 1; i <= 20; i++)
            {
                var response = await client.PostJsonAsync("/v1/key/report", new { ip = $"45.33.34.{i}", category = "brute_force", protocol = "ssh" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            server.Kill();
        }

        using var restarted = await PalisadeProcess.ServeAsync(_data);
        using var again = Client(restarted.BaseAddress, key);
        for (var i = 1; i <= 20; i++)
        {
            var json = await (await again.GetAsync($"/v1/key/check/45.33.34.{i}")).JsonAsync();
            Assert.True(json.GetProperty("found").GetBoolean(), $"45.33.34.{i} was acknowledged but lost");
        }
    }

    [Fact]
    public async Task Whitelist_add_list_remove()
    {
        var add = await PalisadeProcess.RunAsync("whitelist", "add", "203.0.113.0/24", "--data", _data, "--name", "Our scanner", "--multiplier", "0.2");
        Assert.Equal(0, add.ExitCode);
        var list = await PalisadeProcess.RunAsync("whitelist", "list", "--data", _data);
        Assert.Contains("203.0.113.0/24", list.Stdout);
        Assert.Contains("Our scanner", list.Stdout);
        var bad = await PalisadeProcess.RunAsync("whitelist", "add", "203.0.113.7/24", "--data", _data, "--name", "x");
        Assert.NotEqual(0, bad.ExitCode);
        var remove = await PalisadeProcess.RunAsync("whitelist", "remove", "203.0.113.0/24", "--data", _data);
        Assert.Equal(0, remove.ExitCode);
        Assert.DoesNotContain("203.0.113.0/24", (await PalisadeProcess.RunAsync("whitelist", "list", "--data", _data)).Stdout);
    }
}
