using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Alerts;

public sealed class AlertApiTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement[]> ListAsync()
    {
        var response = await _client.GetAsync("/v1/key/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("alerts").EnumerateArray()];
    }

    [Fact]
    public async Task Create_list_get_update_and_delete_an_ip_alert()
    {
        var created = await AlertTesting.CreateAlertAsync(_client, new { ip = "45.33.32.9", label = "web server", minScore = 20, categories = new[] { 16, 4 } });
        var id = created.AlertId();
        Assert.Equal("45.33.32.9", created.GetProperty("ip").GetString());
        Assert.Equal("ip", created.GetProperty("type").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastAlertedAt").ValueKind);
        Assert.Equal(0, created.GetProperty("totalAlerts").GetInt64());
        Assert.Equal([4, 16], created.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.False(created.TryGetProperty("webhookSecret", out _));

        var listed = Assert.Single(await ListAsync());
        Assert.Equal(id, listed.AlertId());

        var patch = await _client.PatchAsync($"/v1/key/alerts/{id}", JsonContent("""{"label":null,"enabled":false,"cooldownSeconds":60}"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var updated = await patch.JsonAsync();
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("label").ValueKind);
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal(60, updated.GetProperty("cooldownSeconds").GetInt64());
        Assert.Equal(20, updated.GetProperty("minScore").GetInt32());

        var fetched = await (await _client.GetAsync($"/v1/key/alerts/{id}")).JsonAsync();
        Assert.False(fetched.GetProperty("enabled").GetBoolean());
        Assert.Empty(fetched.GetProperty("deliveries").EnumerateArray());

        var deleted = await _client.DeleteAsync($"/v1/key/alerts/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Empty(await ListAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/v1/key/alerts/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""[]""", "JSON object")]
    [InlineData("""{"label":"nothing watched"}""", "one of")]
    [InlineData("""{"ip":"45.33.32.9","cidr":"45.33.32.0/28"}""", "only one")]
    [InlineData("""{"ip":"10.1.2.3"}""", "not a public address")]
    [InlineData("""{"ip":42}""", "must be a string")]
    [InlineData("""{"cidr":"45.33.0.0/16"}""", "widest IPv4 range is /28")]
    [InlineData("""{"cidr":"45.33.32.5/28"}""", "host bits")]
    [InlineData("""{"email":"nobody"}""", "not an e-mail address")]
    [InlineData("""{"username":""}""", "1 to 256")]
    [InlineData("""{"ip":"45.33.32.9","minScore":101}""", "minScore")]
    [InlineData("""{"ip":"45.33.32.9","minScore":"50"}""", "minScore")]
    [InlineData("""{"ip":"45.33.32.9","categories":[0]}""", "categories")]
    [InlineData("""{"ip":"45.33.32.9","categories":"ddos"}""", "categories")]
    [InlineData("""{"ip":"45.33.32.9","cooldownSeconds":-1}""", "cooldownSeconds")]
    [InlineData("""{"ip":"45.33.32.9","enabled":"yes"}""", "enabled")]
    [InlineData("""{"ip":"45.33.32.9","webhookUrl":"ftp://example.org/x"}""", "http or https")]
    [InlineData("""{"ip":"45.33.32.9","webhookUrl":"https://user:pw@example.org/x"}""", "credentials")]
    [InlineData("""{"ip":"45.33.32.9","webhookUrl":"http://127.0.0.1:9/hook"}""", "private, loopback")]
    [InlineData("""{"ip":"45.33.32.9","webhookUrl":"http://192.168.1.10/hook"}""", "private, loopback")]
    [InlineData("""{"ip":"45.33.32.9","notifyEmail":"ops@example.org"}""", "not set up")]
    [InlineData("""{"ip":"45.33.32.9","colour":"red"}""", "Unknown field")]
    [InlineData("""{"ip":"45.33.32.9",""", "not valid JSON")]
    public async Task Invalid_bodies_get_400_in_the_native_error_shape_and_create_nothing(string body, string message)
    {
        var response = await _client.PostRawAsync("/v1/key/alerts", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString();
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Updates_are_validated_and_cannot_change_the_target()
    {
        var id = (await AlertTesting.CreateAlertAsync(_client, new { ip = "45.33.32.9" })).AlertId();
        foreach (var (body, message) in new[] { ("""{"ip":"45.33.32.10"}""", "cannot be changed"), ("""{"minScore":-5}""", "minScore"), ("""{"x":1}""", "Unknown field") })
        {
            var response = await _client.PatchAsync($"/v1/key/alerts/{id}", JsonContent(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        var unchanged = Assert.Single(await ListAsync());
        Assert.Equal("45.33.32.9", unchanged.GetProperty("ip").GetString());
        Assert.Equal(0, unchanged.GetProperty("minScore").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/v1/key/alerts/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/key/alerts/999999")).StatusCode);
    }

    [Fact]
    public async Task Alerts_are_private_to_their_key()
    {
        var id = (await AlertTesting.CreateAlertAsync(_client, new { ip = "45.33.32.9" })).AlertId();
        using var other = _host.ClientWithKey(await _host.CreateKeyAsync());
        Assert.Empty((await (await other.GetAsync("/v1/key/alerts")).JsonAsync()).GetProperty("alerts").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/key/alerts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/v1/key/alerts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PatchAsync($"/v1/key/alerts/{id}", JsonContent("""{"enabled":false}"""))).StatusCode);
        Assert.Single(await ListAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Client.GetAsync("/v1/key/alerts")).StatusCode);
    }

    [Fact]
    public async Task Tier_limits_hold_and_status_counts_alerts_by_kind()
    {
        var range = await AlertTesting.CreateAlertAsync(_client, new { cidr = "45.33.32.0/28" });
        Assert.Equal("45.33.32.0", range.GetProperty("networkAddress").GetString());
        Assert.Equal(28, range.GetProperty("prefixLength").GetInt32());
        var second = await _client.PostJsonAsync("/v1/key/alerts", new { cidr = "45.33.33.0/28" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("allows 1 cidr alert", (await second.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

        for (var i = 1; i <= 5; i++)
        {
            await AlertTesting.CreateAlertAsync(_client, new { ip = $"45.33.34.{i}" });
        }

        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostJsonAsync("/v1/key/alerts", new { ip = "45.33.34.99" })).StatusCode);
        await AlertTesting.CreateAlertAsync(_client, new { username = "admin" });

        var status = await (await _client.GetAsync("/v1/key/status")).JsonAsync();
        var alerts = status.GetProperty("alerts");
        Assert.Equal(5, alerts.GetProperty("ipAlerts").GetProperty("current").GetInt32());
        Assert.Equal(5, alerts.GetProperty("ipAlerts").GetProperty("limit").GetInt32());
        Assert.Equal(1, alerts.GetProperty("rangeAlerts").GetProperty("current").GetInt32());
        Assert.Equal(1, alerts.GetProperty("usernameAlerts").GetProperty("current").GetInt32());
        Assert.Equal(0, alerts.GetProperty("emailAlerts").GetProperty("current").GetInt32());
    }

    [Fact]
    public async Task Alert_changes_cost_a_lookup_each_and_stop_at_the_daily_quota()
    {
        using var client = _host.ClientWithKey(await _host.CreateKeyAsync(limits: new Dictionary<Palisade.Core.Keys.QuotaFamily, long>
        {
            [Palisade.Core.Keys.QuotaFamily.Check] = 3,
        }));
        // Bad input is refused without charging.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync("/v1/key/alerts", new { ip = "not-an-ip" })).StatusCode);

        var id = (await AlertTesting.CreateAlertAsync(client, new { ip = "45.33.32.9" })).AlertId();
        var patch = await client.PatchAsync($"/v1/key/alerts/{id}", JsonContent("""{"label":"web"}"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("1", patch.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/v1/key/alerts/{id}")).StatusCode);

        var refused = await client.PostJsonAsync("/v1/key/alerts", new { ip = "45.33.32.10" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("quota", (await refused.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var list = await client.GetAsync("/v1/key/alerts");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode); // reading stays free
        Assert.Empty((await list.JsonAsync()).GetProperty("alerts").EnumerateArray());
    }

    private static StringContent JsonContent(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
