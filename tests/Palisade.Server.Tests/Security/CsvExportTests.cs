using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>CSV a spreadsheet will open: no cell another user chose may start a formula.</summary>
public sealed class CsvExportTests
{
    [Fact]
    public async Task A_protocol_starting_with_a_minus_is_quoted_as_text_in_the_csv_blocklist()
    {
        await using var host = await PalisadeHost.StartAsync();
        using var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
        var report = await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.37.1", category = "brute_force", protocol = "-2-3" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var plain = await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.37.2", category = "brute_force", protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        var csv = await (await client.GetAsync("/v1/key/blacklist?format=csv&scoreMinimum=0")).Content.ReadAsStringAsync();
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        var hostile = rows.Single(r => r[0] == "45.33.37.1");
        var ordinary = rows.Single(r => r[0] == "45.33.37.2");
        Assert.Equal("'-2-3", hostile[9]);
        Assert.Equal("ssh", ordinary[9]);
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t');
    }
}
