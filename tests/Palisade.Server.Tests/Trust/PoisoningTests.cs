using System.Data.Common;
using System.Net;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;
using Palisade.Server.Tests.Dashboard;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage;

namespace Palisade.Server.Tests.Trust;

/// <summary>
/// Issue #11 as an attacker tries it, through HTTP: self-service accounts cannot list an address, withdrawals are metered
/// and leave bounded rows, and every IPv6 form of a whitelisted IPv4 address stays whitelisted.
/// </summary>
public sealed class PoisoningTests : IAsyncLifetime
{
    private const string Target = "45.77.1.2";

    // Sign-up by invitation: the accounts are real dashboard accounts, made as a stranger would make them.
    private PalisadeHost _host = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        _reader = _host.ClientWithKey(await CreateKeyAsync("professional"));
    }

    /// <summary>An operator key, as <c>palisade keys create</c> makes it.</summary>
    /// <summary>A key made now: a new reporter, still on probation.</summary>
    private Task<string> CreateKeyAsync(string tier, IReadOnlyDictionary<QuotaFamily, long>? limits = null)
        => _host.CreateKeyAsync(tier, limits, createdAt: _host.Service<IClock>().UtcNow);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<int> ScoreAsync(string ip)
        => (await (await _reader.GetAsync("/v1/key/check/" + ip)).JsonAsync()).GetProperty("confidenceLevel").GetInt32();

    private async Task<string> TextAsync(string path)
    {
        var response = await _reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Every list a firewall would obey, at its default threshold (AbuseIPDB's lowest sensible one, 50). ReportedIP's
    /// blacklist is left out: it lists nothing first seen less than 48 hours ago, so it could not show a failure here.</summary>
    private async Task<Dictionary<string, bool>> ListedAsync(string ip)
    {
        var stream = await (await _reader.GetAsync("/v1/decisions/stream?startup=true")).JsonAsync();
        var decisions = stream.GetProperty("new");
        return new Dictionary<string, bool>
        {
            ["native"] = Lines(await TextAsync("/v1/key/blacklist?plaintext=true")).Contains(ip),
            ["abuseipdb"] = Lines(await TextAsync("/api/v2/blacklist?confidenceMinimum=50&plaintext")).Contains(ip),
            ["crowdsec"] = decisions.ValueKind == JsonValueKind.Array && decisions.EnumerateArray().Any(d => d.GetProperty("value").GetString() == ip),
        };
    }

    private static HashSet<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private async Task AssertUnlistedAsync(string ip)
    {
        var score = await ScoreAsync(ip);
        Assert.True(score < 50, $"{ip} reached {score}");
        Assert.All(await ListedAsync(ip), list => Assert.False(list.Value, $"{ip} is on the {list.Key} list"));
    }

    private async Task<List<HttpClient>> AccountKeysAsync(string email, int keys)
    {
        using var browser = new DashboardClient(_host.BaseAddress);
        await browser.SignUpAsync(_host, email, "correct horse battery");
        var clients = new List<HttpClient>();
        for (var i = 0; i < keys; i++)
        {
            clients.Add(_host.ClientWithKey((await browser.CreateKeyAsync($"{email} key {i}")).Secret));
        }

        return clients;
    }

    private static async Task ReportAsync(HttpClient client, string ip, string category)
    {
        var response = await client.PostJsonAsync("/v1/key/report", new { ip, category, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task One_account_with_20_keys_and_160_reports_lists_nothing_while_three_private_servers_do()
    {
        foreach (var key in await AccountKeysAsync("mallory@example.org", 20))
        {
            for (var i = 0; i < 8; i++)
            {
                await ReportAsync(key, Target, "exploited_host");
            }
        }

        await AssertUnlistedAsync(Target);
        var abuse = await (await _reader.GetAsync($"/api/v2/check?ipAddress={Target}&verbose")).JsonAsync();
        Assert.Equal(1, abuse.GetProperty("data").GetProperty("numDistinctUsers").GetInt32());
        // The reporter is named by an opaque id, the same for all 20 keys, and never a key id.
        var reporterIds = abuse.GetProperty("data").GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("reporterId").GetInt64()).Distinct().ToList();
        var reporterId = Assert.Single(reporterIds);
        var keyIds = (await _host.Service<Palisade.Core.Storage.IKeyStore>().ListAsync(CancellationToken.None)).Select(k => k.Id).ToHashSet();
        Assert.DoesNotContain(reporterId, keyIds);

        // The other side: three of the operator's own servers (tier "private") agreeing on one brute force list it at 50.
        var servers = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            servers.Add(_host.ClientWithKey(await CreateKeyAsync("private")));
        }

        await ReportAsync(servers[0], "45.77.1.9", "brute_force");
        await ReportAsync(servers[1], "45.77.1.9", "brute_force");
        Assert.True(await ScoreAsync("45.77.1.9") < 50);
        await ReportAsync(servers[2], "45.77.1.9", "brute_force");
        Assert.True(await ScoreAsync("45.77.1.9") >= 50);
        Assert.True((await ListedAsync("45.77.1.9"))["native"]);
    }

    [Fact]
    public async Task Ten_accounts_from_one_network_list_nothing_even_once_corroborated()
    {
        var accounts = new List<List<HttpClient>>();
        for (var a = 0; a < 10; a++)
        {
            accounts.Add(await AccountKeysAsync($"sybil{a}@example.org", 2));
        }

        // Each account earns its standing honestly first: three addresses an operator's server also saw.
        var witness = _host.ClientWithKey(await CreateKeyAsync("contributor"));
        for (var i = 1; i <= 3; i++)
        {
            await ReportAsync(witness, $"45.77.2.{i}", "brute_force");
            foreach (var keys in accounts)
            {
                await ReportAsync(keys[0], $"45.77.2.{i}", "brute_force");
            }
        }

        // Standings are recomputed every few minutes; here at once.
        var book = _host.Service<ReporterBook>();
        book.Recompute(_host.Service<ReputationIndex>(), _host.Service<WhitelistProvider>(), _host.Service<IClock>().UtcNow);
        var keyStore = _host.Service<Palisade.Core.Storage.IKeyStore>();
        var selfService = (await keyStore.ListAsync(CancellationToken.None)).Where(k => k.SelfService).ToList();
        Assert.All(selfService, k => Assert.False(book.Resolve(k.Id, 0).Provisional, $"{k.Reporter} is still provisional"));

        foreach (var keys in accounts)
        {
            foreach (var key in keys)
            {
                await ReportAsync(key, Target, "exploited_host");
            }
        }

        await AssertUnlistedAsync(Target);
        var breakdown = await (await _reader.GetAsync($"/v1/key/check/{Target}?verbose=true")).Content.ReadAsStringAsync();
        Assert.Contains("8 reporter(s) not counted (at most 2 per network)", breakdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_withdrawal_flood_is_refused_after_the_limit_and_the_audit_table_stops_growing()
    {
        var secret = await CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Report] = 20 });
        var key = _host.ClientWithKey(secret);
        var abuseIpdb = new HttpClient { BaseAddress = _host.BaseAddress };
        abuseIpdb.DefaultRequestHeaders.Add("Key", secret);
        for (var i = 1; i <= 5; i++)
        {
            await ReportAsync(key, $"45.77.3.{i}", "brute_force");
        }

        // Empty withdrawals (nothing to withdraw) write no audit row at all.
        var before = await AuditRowsAsync();
        Assert.Equal(HttpStatusCode.OK, (await key.PostJsonAsync("/wp-json/reportedip/v2/whitelist", new { ipAddress = "45.77.9.9", reason = "ours" })).StatusCode);
        Assert.Equal(before, await AuditRowsAsync());

        // Real ones do, and count against the report quota: 5 reports + 1 feedback so far, 14 left.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var ip = $"45.77.3.{(i % 5) + 1}";
            var response = i % 2 == 0
                ? await key.PostJsonAsync("/wp-json/reportedip/v2/whitelist", new { ipAddress = ip, reason = "false positive" })
                : await abuseIpdb.DeleteAsync($"/api/v2/clear-address?ipAddress={ip}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && i % 2 == 1)
            {
                // AbuseIPDB's own error shape.
                var body = await response.JsonAsync();
                Assert.Equal(429, body.GetProperty("errors")[0].GetProperty("status").GetInt32());
            }
        }

        Assert.Equal(14, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(16, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Skip(14), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var afterLimit = await AuditRowsAsync();
        Assert.True(afterLimit - before <= 5, $"{afterLimit - before} audit rows for 5 reports");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await abuseIpdb.DeleteAsync("/api/v2/clear-address?ipAddress=45.77.3.1")).StatusCode);
        }

        Assert.Equal(afterLimit, await AuditRowsAsync());
    }

    private async Task<long> AuditRowsAsync()
    {
        await using var connection = await _host.Service<IConnectionFactory>().OpenConnectionAsync(CancellationToken.None);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM address_audit";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("::8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7")]
    public async Task Every_form_of_a_whitelisted_resolver_stays_whitelisted(string form)
    {
        var sensor = _host.ClientWithKey(await CreateKeyAsync("honeypot"));
        var response = await sensor.PostJsonAsync("/v1/key/report",
            new { ip = form, categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var check = await (await _reader.GetAsync("/v1/key/check/" + form)).JsonAsync();
        Assert.Equal(0, check.GetProperty("confidenceLevel").GetInt32());
        var raw = await (await _reader.GetAsync("/v1/key/check/" + form + "?ignoreWhitelist=true")).JsonAsync();
        Assert.True(raw.GetProperty("confidenceLevel").GetInt32() >= 75, "the evidence counted against 8.8.8.8 itself");
        Assert.All(await ListedAsync("8.8.8.8"), list => Assert.False(list.Value, $"8.8.8.8 is on the {list.Key} list"));
        Assert.All(await ListedAsync(form), list => Assert.False(list.Value, $"{form} is on the {list.Key} list"));
    }

    [Fact]
    public async Task A_local_use_NAT64_address_whose_host_cannot_be_known_is_refused_with_a_reason()
    {
        var key = _host.ClientWithKey(await CreateKeyAsync("contributor"));
        var response = await key.PostJsonAsync("/v1/key/report", new { ip = "64:ff9b:1:808:8:800::", category = "brute_force" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reserved", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
