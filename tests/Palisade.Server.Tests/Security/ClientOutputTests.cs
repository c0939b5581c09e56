using System.Net;
using System.Text.RegularExpressions;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>What the real <c>palisade</c> command prints to a terminal.</summary>
public sealed class ClientOutputTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    [Fact]
    public async Task Check_verbose_strips_control_characters_from_other_reporters_comments()
    {
        await using var host = await PalisadeHost.StartAsync();
        var key = await host.CreateKeyAsync("enterprise");
        using var client = host.ClientWithKey(key);
        // An OSC title change, a screen clear, a bell, a bidi override and a forged line.
        var comment = "\u001b]0;pwned\u0007hostile\u001b[2J \u202Eevil\r\nFORGED: 45.33.32.77 score 0/100 (clean)";
        var report = await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.77", category = "brute_force", protocol = "ssh", comment });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("check", "45.33.32.77", "--verbose",
            "--server", host.BaseAddress.ToString().TrimEnd('/'), "--key", key);
        Assert.True(code == 0, stderr);
        Assert.Contains("hostile", stdout, StringComparison.Ordinal); // the comment is shown, minus its control characters
        Assert.Contains("FORGED: 45.33.32.77", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout, c => c is '\u001b' or '\u0007' or '\r' or '\u202E');
        Assert.DoesNotContain(stdout.Split('\n'), line => line.StartsWith("FORGED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_list_shows_a_whole_date_in_the_created_column()
    {
        var created = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "free", "--name", "dated");
        Assert.Equal(0, created.ExitCode);
        var (code, stdout, _) = await PalisadeProcess.RunAsync("keys", "list", "--data", _data);
        Assert.Equal(0, code);
        var row = stdout.Split('\n').Single(l => l.Contains("dated", StringComparison.Ordinal));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(new Regex(@"^\d+\s+dated\s+free\s+sk_free_\S+\s+\S+\s+" + today + @" \d\d:\d\d\s+active\s*$"), row);
    }
}
