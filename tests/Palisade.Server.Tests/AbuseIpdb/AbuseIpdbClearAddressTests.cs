using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.AbuseIpdb;

public sealed class AbuseIpdbClearAddressTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;

    public async Task InitializeAsync() => _host = await PalisadeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Clear_address_deletes_only_the_callers_reports_and_the_score_follows()
    {
        var mine = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("contributor"));
        var theirs = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync("contributor"));
        Assert.Equal(HttpStatusCode.OK, (await mine.PostFormAsync("/api/v2/report", ("ip", "45.33.90.1"), ("categories", "18,22"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mine.PostFormAsync("/api/v2/report", ("ip", "45.33.90.1"), ("categories", "14"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await theirs.PostFormAsync("/api/v2/report", ("ip", "45.33.90.1"), ("categories", "18"))).StatusCode);
        var before = (await (await mine.GetAsync("/api/v2/check?ipAddress=45.33.90.1")).JsonAsync()).GetProperty("data").GetProperty("abuseConfidenceScore").GetInt32();

        var cleared = await mine.DeleteAsync("/api/v2/clear-address?ipAddress=45.33.90.1");
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(2, (await cleared.JsonAsync()).GetProperty("data").GetProperty("numReportsDeleted").GetInt32());

        var after = (await (await mine.GetAsync("/api/v2/check?ipAddress=45.33.90.1")).JsonAsync()).GetProperty("data");
        Assert.True(after.GetProperty("abuseConfidenceScore").GetInt32() < before, "withdrawn reports must stop counting");
        Assert.Equal(1, after.GetProperty("totalReports").GetInt32());

        var again = await mine.DeleteAsync("/api/v2/clear-address?ipAddress=45.33.90.1");
        Assert.Equal(0, (await again.JsonAsync()).GetProperty("data").GetProperty("numReportsDeleted").GetInt32());
    }

    [Theory]
    [InlineData("/api/v2/clear-address")]
    [InlineData("/api/v2/clear-address?ipAddress=999.1.1.1")]
    [InlineData("/api/v2/clear-address?ipAddress=10.0.0.1")]
    public async Task Bad_addresses_get_422_in_abuseipdb_shape(string path)
    {
        var client = AbuseIpdbClient.Create(_host, await _host.CreateKeyAsync());
        var response = await client.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors")[0];
        Assert.Equal(422, error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Clear_address_needs_a_key()
    {
        var response = await _host.Client.DeleteAsync("/api/v2/clear-address?ipAddress=45.33.90.1");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await response.JsonAsync()).GetProperty("errors")[0].GetProperty("status").GetInt32());
    }
}
