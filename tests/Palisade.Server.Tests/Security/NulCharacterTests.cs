using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>NUL (U+0000) in reports' free text: removed on every engine alike (PostgreSQL cannot store it).</summary>
public sealed class NulCharacterTests
{
    private static async Task<JsonElement> LatestReportAsync(HttpClient client, string ip)
    {
        var check = await (await client.GetAsync($"/v1/key/check/{ip}?verbose=true")).JsonAsync();
        return check.GetProperty("reports")[0];
    }

    [Fact]
    public async Task A_nul_in_a_comment_or_username_is_removed_and_the_report_is_stored()
    {
        var data = TempDirectory.Create();
        await using (var host = await PalisadeHost.StartAsync(data))
        {
            host.KeepData();
            var key = await host.CreateKeyAsync("enterprise", name: "nul");
            using var client = host.ClientWithKey(key);
            var single = await client.PostJsonAsync("/v1/key/report",
                new { ip = "45.33.38.1", category = "brute_force", protocol = "ssh", username = "ro\u0000ot", comment = "before\u0000after" });
            Assert.Equal(HttpStatusCode.OK, single.StatusCode);

            var bulk = await client.PostJsonAsync("/v1/key/bulk-report", new
            {
                reports = new object[]
                {
                    new { ip = "45.33.38.2", category = "brute_force", comment = "clean" },
                    new { ip = "45.33.38.3", category = "brute_force", comment = "x\u0000y", username = "\u0000admin" },
                    new { ip = "45.33.38.4", category = "brute_force" },
                },
            });
            Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
            Assert.Equal(3, (await bulk.JsonAsync()).GetProperty("accepted").GetInt32());
            Assert.Equal("beforeafter", (await LatestReportAsync(client, "45.33.38.1")).GetProperty("comment").GetString());
            await host.StopAsync();
        }

        // After a restart the reports come back from the store (PostgreSQL in that pass), cleaned.
        await using var restarted = await PalisadeHost.StartAsync(data);
        using var again = restarted.ClientWithKey(await restarted.CreateKeyAsync("enterprise"));
        Assert.Equal("beforeafter", (await LatestReportAsync(again, "45.33.38.1")).GetProperty("comment").GetString());
        Assert.Equal("xy", (await LatestReportAsync(again, "45.33.38.3")).GetProperty("comment").GetString());
        foreach (var ip in new[] { "45.33.38.2", "45.33.38.4" })
        {
            Assert.True((await (await again.GetAsync($"/v1/key/check/{ip}")).JsonAsync()).GetProperty("found").GetBoolean());
        }
    }
}
