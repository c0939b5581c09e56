using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Core.Reputation;
using Palisade.Server.Tests.Alerts;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Native;

/// <summary>
/// E-mail intelligence (issue 13, item 2): <c>GET /v1/key/email/{email}</c> answers from reports' structured <c>email</c>
/// field, stored normalised, charged as a lookup, kept only as long as the reports that named it.
/// </summary>
public sealed class EmailIntelligenceTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task ReportAsync(HttpClient client, object report)
    {
        var response = await client.PostJsonAsync("/v1/key/report", report);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_address_named_in_reports_is_answered_normalised_with_counts_and_times()
    {
        await ReportAsync(_client, new { ip = "45.33.70.1", category = "spam", protocol = "smtp", email = "  Victim@Example.ORG " });
        await ReportAsync(_client, new { ip = "45.33.70.2", category = "spam", protocol = "smtp", email = "victim@example.org" });

        // Looked up in any case; answered in the stored (lower-case) form, in the shape SikkerAPI's CLI decodes.
        var response = await _client.GetAsync("/v1/key/email/VICTIM@example.org");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("victim@example.org", json.GetProperty("email").GetString());
        Assert.Equal(2, json.GetProperty("totalMessages").GetInt64());
        var first = json.GetProperty("firstSeenAt").GetInt64();
        var last = json.GetProperty("lastSeenAt").GetInt64();
        Assert.True(first > 1_700_000_000_000, "firstSeenAt is epoch milliseconds");
        Assert.True(last >= first);

        // Percent-encoded '@' is the same address.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/v1/key/email/victim%40example.org")).StatusCode);
    }

    [Fact]
    public async Task An_address_only_in_a_comment_stays_scrubbed_and_unknown()
    {
        await ReportAsync(_client, new { ip = "45.33.70.3", category = "spam", comment = "relay attempt to other@example.org" });
        var response = await _client.GetAsync("/v1/key/email/other@example.org");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task An_address_never_reported_is_404_in_the_native_error_shape()
    {
        var response = await _client.GetAsync("/v1/key/email/nobody@example.org");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not been seen", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("two@@example.org")]
    [InlineData("name@localhost")]
    public async Task A_lookup_of_something_that_is_not_an_address_is_400(string input)
    {
        var response = await _client.GetAsync("/v1/key/email/" + Uri.EscapeDataString(input));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("e-mail address", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_longer_than_an_address_can_be_is_400()
    {
        var response = await _client.GetAsync("/v1/key/email/" + new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".org");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 254", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_with_a_malformed_email_is_refused_and_nothing_is_stored()
    {
        var response = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.70.4", category = "spam", email = "victim at example.org" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString()!;
        Assert.Contains("e-mail address", error, StringComparison.Ordinal);
        Assert.DoesNotContain("victim", error, StringComparison.Ordinal);
        Assert.False((await (await _client.GetAsync("/v1/key/check/45.33.70.4")).JsonAsync()).GetProperty("found").GetBoolean());

        var wrongType = await _client.PostJsonAsync("/v1/key/report", new { ip = "45.33.70.4", category = "spam", email = 42 });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("'email'", (await wrongType.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False((await (await _client.GetAsync("/v1/key/check/45.33.70.4")).JsonAsync()).GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Bulk_reports_carry_email_in_json_and_in_a_csv_email_column()
    {
        var json = await _client.PostJsonAsync("/v1/key/bulk-report", new
        {
            reports = new object[]
            {
                new { ip = "45.33.71.1", category = "spam", email = "Bulk@Example.org" },
                new { ip = "45.33.71.2", category = "spam", email = "not an address" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var body = await json.JsonAsync();
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());

        var csv = await _client.PostRawAsync("/v1/key/bulk-report", "IP,Category,Protocol,Email\n45.33.71.3,spam,smtp,bulk@example.org\n", "text/csv");
        Assert.True(csv.StatusCode == HttpStatusCode.OK, await csv.Content.ReadAsStringAsync());
        Assert.Equal(1, (await csv.JsonAsync()).GetProperty("accepted").GetInt32());

        var lookup = await (await _client.GetAsync("/v1/key/email/bulk@example.org")).JsonAsync();
        Assert.Equal(2, lookup.GetProperty("totalMessages").GetInt64());
        Assert.False((await (await _client.GetAsync("/v1/key/check/45.33.71.2")).JsonAsync()).GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Lookups_are_charged_like_username_lookups_found_or_not_but_bad_input_is_free()
    {
        await ReportAsync(_client, new { ip = "45.33.72.1", category = "spam", email = "quota@example.org" });
        var limited = _host.ClientWithKey(await _host.CreateKeyAsync("free", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2 }));

        Assert.Equal(HttpStatusCode.BadRequest, (await limited.GetAsync("/v1/key/email/not-an-address")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/v1/key/email/quota@example.org")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await limited.GetAsync("/v1/key/email/unknown@example.org")).StatusCode);

        var spent = await limited.GetAsync("/v1/key/email/quota@example.org");
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.False(string.IsNullOrEmpty((await spent.JsonAsync()).GetProperty("error").GetString()));
        var status = await (await limited.GetAsync("/v1/key/status")).JsonAsync();
        Assert.Equal(0, status.GetProperty("quotas").GetProperty("lookups").GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task The_address_survives_a_restart_because_the_index_is_rebuilt_from_the_store()
    {
        await ReportAsync(_client, new { ip = "45.33.73.1", category = "spam", protocol = "smtp", email = "durable@example.org" });
        var before = await (await _client.GetAsync("/v1/key/email/durable@example.org")).JsonAsync();

        _host.KeepData();
        var data = _host.DataDirectory;
        await _host.StopAsync();
        _host = await PalisadeHost.StartAsync(data);
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("enterprise"));

        var response = await _client.GetAsync("/v1/key/email/durable@example.org");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await response.JsonAsync();
        Assert.Equal(1, after.GetProperty("totalMessages").GetInt64());
        Assert.Equal(before.GetProperty("firstSeenAt").GetInt64(), after.GetProperty("firstSeenAt").GetInt64());
    }

    [Fact]
    public async Task Retention_drops_an_address_with_the_reports_that_named_it_also_after_a_restart()
    {
        var clock = new MutableClock(DateTimeOffset.UtcNow);
        var host = await PalisadeHost.StartAsync(clock: clock);
        host.KeepData();
        try
        {
            var client = host.ClientWithKey(await host.CreateKeyAsync("enterprise"));
            await ReportAsync(client, new { ip = "45.33.74.1", category = "spam", email = "old@example.org" });
            await ReportAsync(client, new { ip = "45.33.74.2", category = "spam", email = "both@example.org" });
            clock.Advance(TimeSpan.FromDays(20));
            await ReportAsync(client, new { ip = "45.33.74.3", category = "spam", email = "both@example.org" });
            clock.Advance(TimeSpan.FromDays(11));

            await host.Service<RetentionJob>().RunAsync(CancellationToken.None);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/key/email/old@example.org")).StatusCode);
            Assert.Equal(1, (await (await client.GetAsync("/v1/key/email/both@example.org")).JsonAsync()).GetProperty("totalMessages").GetInt64());
            await host.StopAsync();

            await using var restarted = await PalisadeHost.StartAsync(host.DataDirectory, clock);
            var again = restarted.ClientWithKey(await restarted.CreateKeyAsync("enterprise"));
            Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync("/v1/key/email/old@example.org")).StatusCode);
            var both = await (await again.GetAsync("/v1/key/email/both@example.org")).JsonAsync();
            Assert.Equal(1, both.GetProperty("totalMessages").GetInt64());
            Assert.Equal(both.GetProperty("lastSeenAt").GetInt64(), both.GetProperty("firstSeenAt").GetInt64());
        }
        finally
        {
            TempDirectory.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task An_email_alert_matches_the_structured_field()
    {
        var watcher = _host.ClientWithKey(await _host.CreateKeyAsync("professional"));
        var id = (await AlertTesting.CreateAlertAsync(watcher, new { email = "Watched@Example.org" })).AlertId();
        await ReportAsync(_client, new { ip = "45.33.77.9", category = "spam", email = "watched@example.org" });
        await ReportAsync(_client, new { ip = "45.33.77.10", category = "spam", email = "someone.else@example.org" });
        await AlertTesting.WaitUntilAsync(async () =>
            (await (await watcher.GetAsync($"/v1/key/alerts/{id}")).JsonAsync()).GetProperty("matchCount").GetInt64() >= 1, "a match", seconds: 60);
        await Task.Delay(500);
        Assert.Equal(1, (await (await watcher.GetAsync($"/v1/key/alerts/{id}")).JsonAsync()).GetProperty("matchCount").GetInt64());
    }

    [Fact]
    public async Task A_withdrawn_report_takes_its_address_with_it()
    {
        var key = await _host.CreateKeyAsync("enterprise");
        var abuse = new HttpClient { BaseAddress = _host.BaseAddress };
        abuse.DefaultRequestHeaders.Add("Key", key);
        await ReportAsync(_host.ClientWithKey(key), new { ip = "45.33.75.1", category = "spam", email = "withdrawn@example.org" });
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/v1/key/email/withdrawn@example.org")).StatusCode);

        var cleared = await abuse.DeleteAsync("/api/v2/clear-address?ipAddress=45.33.75.1");
        Assert.True(cleared.IsSuccessStatusCode, await cleared.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/key/email/withdrawn@example.org")).StatusCode);
    }
}

/// <summary>An e-mail address is personal data: neither a lookup's path nor a report's field reaches the log.</summary>
public sealed class EmailLoggingTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    [Fact]
    public async Task A_debug_log_with_the_access_log_holds_no_email_address()
    {
        var (code, key, stderr) = await PalisadeProcess.RunAsync("keys", "create", "--data", _data, "--tier", "free", "--name", "mail");
        Assert.True(code == 0, stderr);
        key = key.Trim();
        var environment = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Logging__LogLevel__Palisade"] = "Debug",
            ["PALISADE_Palisade__Logging__AccessLog"] = "true",
        };
        using var server = await PalisadeProcess.ServeAsync(_data, environment: environment);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var report = await client.PostAsync("/v1/key/report", new StringContent(
            "{\"ip\":\"45.33.76.1\",\"category\":\"spam\",\"email\":\"secret.person@example.org\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/email/secret.person@example.org")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/key/email/other.person%40example.org")).StatusCode);

        for (var i = 0; i < 100 && server.Output.Split("GET /v1/key/email/").Length < 3; i++)
        {
            await Task.Delay(100);
        }

        var output = server.Output;
        Assert.True(output.Contains("\"GET /v1/key/email/***\" 200", StringComparison.Ordinal), output);
        Assert.DoesNotContain("secret.person", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("other.person", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example.org", output, StringComparison.OrdinalIgnoreCase);
    }
}
