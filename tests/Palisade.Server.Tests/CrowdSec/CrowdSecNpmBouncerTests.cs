using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.CrowdSec;

/// <summary>
/// CrowdSec's two npm bouncer libraries against Palisade's LAPI (issue 13, item 10): their connection checks
/// (<c>HEAD /v1/decisions</c>) pass with a bouncer key and report a bad one as such, and the decisions they fetch ban
/// a listed address and let a clean one through, in live and in stream mode.
/// </summary>
public sealed class CrowdSecNpmBouncerTests : IAsyncLifetime
{
    private const string Banned = "45.33.95.1";
    private const string Clean = "45.33.95.2";

    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Both_libraries_connect_with_a_bouncer_key_ban_a_listed_address_and_pass_a_clean_one()
    {
        var sensor = _host.ClientWithKey(await _host.CreateKeyAsync("honeypot"));
        var report = await sensor.PostJsonAsync("/v1/key/report",
            new { ip = Banned, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var key = await _host.CreateKeyAsync("professional");

        var (results, output) = await CrowdSecNpmBouncers.RunAsync(_host, key, "sk_free_wrongwrongwrongwrongwrongwrong12", Banned, Clean);
        string Step(string name) => results.TryGetValue(name, out var value) ? value.GetRawText() : $"(no result for {name})\n{output}";

        // @crowdsec/nodejs-bouncer: checkConnectionHealth is what it runs on every start ("unhealthy" when it fails).
        Assert.True(Step("nodejs.health") == """{"status":"OK","error":null}""", Step("nodejs.health"));
        Assert.True(Step("nodejs.badKeyHealth") == """{"status":"ERROR","error":"INVALID_API_TOKEN"}""", Step("nodejs.badKeyHealth"));
        Assert.True(Remediation(results, "nodejs.banned") == "ban", Step("nodejs.banned"));
        Assert.True(Remediation(results, "nodejs.clean") == "bypass", Step("nodejs.clean"));
        Assert.True(results.TryGetValue("nodejs.streamRefresh", out var fetched) && fetched.ValueKind == JsonValueKind.Number && fetched.GetInt32() >= 1,
            Step("nodejs.streamRefresh"));
        Assert.True(Remediation(results, "nodejs.streamBanned") == "ban", Step("nodejs.streamBanned"));
        Assert.True(Remediation(results, "nodejs.streamClean") == "bypass", Step("nodejs.streamClean"));

        // @crowdsec/express-bouncer: the middleware factory throws unless its connection check passes.
        Assert.True(Step("express.connect") == "\"connected\"", Step("express.connect"));
        Assert.Contains("UNEXPECTED_KEY", Step("express.badKey"), StringComparison.Ordinal);
        var banned = results.GetValueOrDefault("express.banned");
        Assert.True(banned.ValueKind == JsonValueKind.Object && banned.GetProperty("status").GetInt32() == 403 && !banned.GetProperty("passed").GetBoolean(),
            Step("express.banned"));
        var clean = results.GetValueOrDefault("express.clean");
        Assert.True(clean.ValueKind == JsonValueKind.Object && clean.GetProperty("passed").GetBoolean(), Step("express.clean"));
    }

    private static string? Remediation(Dictionary<string, JsonElement> results, string name)
        => results.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("remediation", out var remediation)
            ? remediation.GetString()
            : null;
}
