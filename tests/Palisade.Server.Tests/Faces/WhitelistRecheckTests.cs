using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Faces;

/// <summary>
/// An address checked through every face, then whitelisted by the operator (the real CLI, as in production), then
/// checked again: each face must answer from the new whitelist, not from anything it remembered about the old one.
/// </summary>
public sealed class WhitelistRecheckTests
{
    private const string Address = "45.33.83.7";

    [Fact]
    public async Task A_whitelist_change_shows_in_the_next_check_through_each_face()
    {
        await using var host = await PalisadeHost.StartAsync();
        var key = await host.CreateKeyAsync("enterprise");
        using var sensor = host.ClientWithKey(await host.CreateKeyAsync("honeypot"));
        var report = await sensor.PostJsonAsync("/v1/key/report",
            new { ip = Address, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        var before = await ReadAllAsync(host, key);
        Assert.Equal(JsonValueKind.Undefined, before["native"].TryGetProperty("whitelisted", out var w) ? w.ValueKind : JsonValueKind.Undefined);
        Assert.True(before["native"].GetProperty("confidenceLevel").GetInt32() >= 75, "test setup: the address must be listed");
        Assert.False(before["abuseipdb"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean());
        Assert.False(before["reportedip"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean());
        Assert.False(before["ipswamp"].TryGetProperty("description", out _));
        Assert.Equal(JsonValueKind.Array, before["crowdsec"].ValueKind);

        var location = TestBackend.IsPostgres
            ? new[] { "--postgres", TestBackend.ConnectionStringFor(host.DataDirectory) }
            : ["--data", host.DataDirectory];
        var added = await PalisadeProcess.RunAsync(["whitelist", "add", Address + "/32", "--name", "Our own scanner", .. location]);
        Assert.True(added.ExitCode == 0, added.Stderr);

        // The server notices the change by polling (200 ms in tests); allow a loaded machine plenty of time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Dictionary<string, JsonElement> after;
        while (true)
        {
            after = await ReadAllAsync(host, key);
            if (Whitelisted(after) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal("Our own scanner", after["native"].GetProperty("whitelisted").GetProperty("name").GetString());
        Assert.Equal(0, after["native"].GetProperty("confidenceLevel").GetInt32());
        Assert.True(after["abuseipdb"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean());
        Assert.Equal(0, after["abuseipdb"].GetProperty("data").GetProperty("abuseConfidenceScore").GetInt32());
        Assert.True(after["reportedip"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean());
        Assert.Equal(0, after["reportedip"].GetProperty("data").GetProperty("abuseConfidencePercentage").GetInt32());
        Assert.Contains("Our own scanner", after["ipswamp"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, after["crowdsec"].ValueKind);
    }

    private static bool Whitelisted(Dictionary<string, JsonElement> answers)
        => answers["native"].TryGetProperty("whitelisted", out _)
            && answers["abuseipdb"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean()
            && answers["reportedip"].GetProperty("data").GetProperty("isWhitelisted").GetBoolean()
            && answers["ipswamp"].TryGetProperty("description", out _)
            && answers["crowdsec"].ValueKind == JsonValueKind.Null;

    private static async Task<Dictionary<string, JsonElement>> ReadAllAsync(PalisadeHost host, string key)
    {
        var answers = new Dictionary<string, JsonElement>();
        foreach (var face in new[] { Face.Native, Face.AbuseIpdb, Face.ReportedIp, Face.IpSwamp, Face.CrowdSec })
        {
            using var client = face.Client(host.BaseAddress, key);
            var response = await client.GetAsync(face.Check(Address));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{face.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            answers[face.Name] = await response.JsonAsync();
        }

        return answers;
    }
}
