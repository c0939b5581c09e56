using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Alerts;

/// <summary>
/// SikkerAPI's per-kind alert paths as its <c>sikker</c> CLI calls them: POST {target, label?} → 201 and the alert,
/// GET → {"alerts":[…]}, DELETE …/{id} → exactly 200; the same alerts as /v1/key/alerts.
/// </summary>
public sealed class SikkerAlertPathTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _client = _host.ClientWithKey(await _host.CreateKeyAsync("professional"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement[]> ListAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("alerts").EnumerateArray()];
    }

    [Theory]
    [InlineData("ip-alerts", "ip", "45.33.32.9", "45.33.32.9")]
    [InlineData("ip-alerts", "ip", "2A00:1450:4001:0:0::200E", "2a00:1450:4001::200e")]
    [InlineData("range-alerts", "cidr", "45.33.32.0/24", "45.33.32.0/24")]
    [InlineData("username-alerts", "username", "admin", "admin")]
    [InlineData("email-alerts", "email", "Ops@Example.org", "ops@example.org")]
    public async Task Create_list_and_delete_on_the_kind_path_with_the_sikker_fields(string path, string field, string target, string stored)
    {
        var response = await _client.PostJsonAsync($"/v1/key/{path}", new Dictionary<string, string> { [field] = target, ["label"] = "office" });
        var created = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, created.ToString());
        var id = created.AlertId();
        Assert.Equal($"/v1/key/{path}/{id}", response.Headers.Location?.ToString());

        // What sikker-cli decodes: id, the target field, label, enabled, emailNotifications, lastAlertedAt, totalAlerts, matchCount, createdAt.
        Assert.Equal(stored, created.GetProperty(field).GetString());
        Assert.Equal("office", created.GetProperty("label").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.False(created.GetProperty("emailNotifications").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastAlertedAt").ValueKind);
        Assert.Equal(0, created.GetProperty("totalAlerts").GetInt64());
        Assert.Equal(0, created.GetProperty("matchCount").GetInt64());
        var createdAt = DateTimeOffset.Parse(created.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - createdAt).TotalMinutes) < 5, "createdAt is an RFC 3339 time of now");
        if (field == "cidr")
        {
            Assert.Equal("45.33.32.0", created.GetProperty("networkAddress").GetString());
            Assert.Equal(24, created.GetProperty("prefixLength").GetInt32());
            Assert.Equal(0, created.GetProperty("uniqueMatches").GetInt64());
        }
        else
        {
            Assert.False(created.TryGetProperty("networkAddress", out _));
        }

        var listed = Assert.Single(await ListAsync($"/v1/key/{path}"));
        Assert.Equal(id, listed.AlertId());
        Assert.Equal(stored, listed.GetProperty(field).GetString());

        // One store: the alert is the same one on the generic path.
        var generic = Assert.Single(await ListAsync("/v1/key/alerts"));
        Assert.Equal(id, generic.AlertId());
        Assert.Equal(field, generic.GetProperty("type").GetString());
        var fetched = await _client.GetAsync($"/v1/key/alerts/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/v1/key/{path}/{id}")).StatusCode);

        var deleted = await _client.DeleteAsync($"/v1/key/{path}/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var answer = await deleted.JsonAsync();
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal(id, answer.AlertId());
        Assert.Empty(await ListAsync($"/v1/key/{path}"));
        Assert.Empty(await ListAsync("/v1/key/alerts"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/v1/key/{path}/{id}")).StatusCode);
    }

    [Fact]
    public async Task Each_kind_path_lists_finds_and_deletes_only_its_own_kind()
    {
        var ip = (await AlertTesting.CreateAlertAsync(_client, new { ip = "45.33.32.9" })).AlertId();
        var range = (await AlertTesting.CreateAlertAsync(_client, new { cidr = "45.33.32.0/28" })).AlertId();
        var username = (await AlertTesting.CreateAlertAsync(_client, new { username = "root" })).AlertId();
        var email = (await AlertTesting.CreateAlertAsync(_client, new { email = "ops@example.org" })).AlertId();

        Assert.Equal([ip], (await ListAsync("/v1/key/ip-alerts")).Select(a => a.AlertId()));
        Assert.Equal([range], (await ListAsync("/v1/key/range-alerts")).Select(a => a.AlertId()));
        Assert.Equal([username], (await ListAsync("/v1/key/username-alerts")).Select(a => a.AlertId()));
        Assert.Equal([email], (await ListAsync("/v1/key/email-alerts")).Select(a => a.AlertId()));

        // Another kind's id on a kind path is not there (404, as an unknown id), and stays where it is.
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/v1/key/ip-alerts/{range}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/key/email-alerts/{username}")).StatusCode);
        Assert.Equal(4, (await ListAsync("/v1/key/alerts")).Length);

        // Another key sees none of them on the kind paths either.
        using var other = _host.ClientWithKey(await _host.CreateKeyAsync());
        Assert.Empty((await (await other.GetAsync("/v1/key/ip-alerts")).JsonAsync()).GetProperty("alerts").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/v1/key/ip-alerts/{ip}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Client.GetAsync("/v1/key/range-alerts")).StatusCode);
        Assert.Equal(4, (await ListAsync("/v1/key/alerts")).Length);
    }

    [Theory]
    [InlineData("ip-alerts", """{"label":"x"}""", "Send \"ip\"")]
    [InlineData("ip-alerts", """{"cidr":"45.33.32.0/28"}""", "Send \"ip\"")]
    [InlineData("ip-alerts", """{"ip":"45.33.32.9","cidr":"45.33.32.0/28"}""", "only one")]
    [InlineData("ip-alerts", """{"ip":"10.0.0.1"}""", "not a public address")]
    [InlineData("ip-alerts", """{"ip":"45.33.32.9","label":7}""", "label must be a string")]
    [InlineData("ip-alerts", """{"ip":"45.33.32.9","colour":"red"}""", "Unknown field")]
    [InlineData("range-alerts", """{"ip":"45.33.32.9"}""", "Send \"cidr\"")]
    [InlineData("range-alerts", """{"cidr":"45.33.32.5/28"}""", "host bits")]
    [InlineData("range-alerts", """{"cidr":"45.33.0.0/16"}""", "widest IPv4 range is /20")]
    [InlineData("username-alerts", """{"email":"ops@example.org"}""", "Send \"username\"")]
    [InlineData("username-alerts", """{"username":""}""", "1 to 256")]
    [InlineData("email-alerts", """{"email":"nobody"}""", "not an e-mail address")]
    [InlineData("email-alerts", """[]""", "JSON object")]
    [InlineData("email-alerts", """{"email":""", "not valid JSON")]
    public async Task Invalid_bodies_get_400_in_the_native_shape_and_create_nothing(string path, string body, string message)
    {
        var response = await _client.PostRawAsync($"/v1/key/{path}", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString();
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Empty(await ListAsync("/v1/key/alerts"));
    }

    [Fact]
    public async Task Kind_paths_share_the_tier_limit_and_bad_ids_are_refused()
    {
        using var free = _host.ClientWithKey(await _host.CreateKeyAsync());
        Assert.Equal(HttpStatusCode.Created, (await free.PostJsonAsync("/v1/key/range-alerts", new { cidr = "45.33.32.0/28" })).StatusCode);
        var second = await free.PostJsonAsync("/v1/key/alerts", new { cidr = "45.33.33.0/28" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var third = await free.PostJsonAsync("/v1/key/range-alerts", new { cidr = "45.33.34.0/28" });
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Contains("allows 1 cidr alert", (await third.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single((await (await free.GetAsync("/v1/key/alerts")).JsonAsync()).GetProperty("alerts").EnumerateArray());

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.DeleteAsync("/v1/key/ip-alerts/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.DeleteAsync("/v1/key/ip-alerts/0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync("/v1/key/ip-alerts/999999")).StatusCode);
    }
}
