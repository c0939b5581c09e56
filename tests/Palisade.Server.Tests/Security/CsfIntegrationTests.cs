using Palisade.Server.Tests.Infrastructure;
using Palisade.Server.Tests.Integrations;

namespace Palisade.Server.Tests.Security;

/// <summary>The shipped CSF line keeps the key out of the URL's query (and so out of every logged request line).</summary>
public sealed class CsfIntegrationTests
{
    [Fact]
    public async Task The_shipped_csf_line_authenticates_with_user_info_and_carries_no_key_parameter()
    {
        var line = File.ReadAllLines(ToolRunner.Integration("csf/csf.blocklists")).Single(l => l.StartsWith("PALISADE|", StringComparison.Ordinal));
        var url = line.Split('|')[3];
        Assert.DoesNotContain("key=", url, StringComparison.OrdinalIgnoreCase);

        await using var host = await PalisadeHost.StartAsync();
        var key = await host.CreateKeyAsync();
        var local = url.Replace("sk_REPLACE_ME", key, StringComparison.Ordinal)
            .Replace("https://", "http://", StringComparison.Ordinal)
            .Replace("palisade.example.org", host.BaseAddress.Authority, StringComparison.Ordinal);
        // curl sends the user-info as "Authorization: Basic", as CSF's fetchers (HTTP::Tiny, LWP, curl) do.
        var (code, stdout, stderr) = await ToolRunner.RunAsync("curl", ["-sS", "--fail", local]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("# Palisade blocklist", stdout, StringComparison.Ordinal);

        var (wrongCode, _, _) = await ToolRunner.RunAsync("curl", ["-sS", "--fail", local.Replace(key, "sk_free_wrongwrongwrongwrongwrongwrong12", StringComparison.Ordinal)]);
        Assert.NotEqual(0, wrongCode);
    }
}
