using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.ReportedIp;

public sealed class ReportedIpWhitelistTests : IAsyncLifetime
{
    private const string Base = "/wp-json/reportedip/v2";
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> KeyedAsync()
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Key", await _host.CreateKeyAsync("contributor"));
        return client;
    }

    [Fact]
    public async Task Positive_feedback_is_recorded_and_withdraws_the_callers_reports()
    {
        var client = await KeyedAsync();
        var report = await client.PostAsync(Base + "/report", new FormUrlEncodedContent([new("ip", "45.33.91.1"), new("categories", "18")]));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);

        var feedback = await client.PostJsonAsync(Base + "/whitelist", new { ipAddress = "45.33.91.1", reason = "our own monitoring host" });
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        var json = await feedback.JsonAsync();
        Assert.True(json.GetProperty("meta").GetProperty("success").GetBoolean());
        var data = json.GetProperty("data");
        Assert.Equal("recorded", data.GetProperty("status").GetString());
        Assert.Equal(1, data.GetProperty("reportsWithdrawn").GetInt32());
        Assert.Equal(0, data.GetProperty("confidenceScore").GetInt32());

        var check = await (await client.GetAsync(Base + "/check?ip=45.33.91.1")).JsonAsync();
        Assert.Equal(0, check.GetProperty("data").GetProperty("totalReports").GetInt32());
    }

    [Theory]
    [InlineData("""{"reason":"x"}""")]
    [InlineData("""{"ipAddress":"1.2.3"}""")]
    [InlineData("""{"ipAddress":"192.168.0.1"}""")]
    public async Task Bad_feedback_gets_400_in_the_envelope(string body)
    {
        var client = await KeyedAsync();
        var response = await client.PostRawAsync(Base + "/whitelist", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var meta = (await response.JsonAsync()).GetProperty("meta");
        Assert.False(meta.GetProperty("success").GetBoolean());
        Assert.Equal(400, meta.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Feedback_without_a_key_is_401_with_the_seed_message()
    {
        var response = await _host.Client.PostRawAsync(Base + "/whitelist", """{"ipAddress":"45.33.91.1"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid or missing API key.", (await response.JsonAsync()).GetProperty("meta").GetProperty("message").GetString());
    }
}
