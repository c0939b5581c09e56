using System.Net;
using Palisade.Server.Tests.Faces;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary>Redis (the quota counters) stopped under a running server: every face answers 503 in its own shape,
/// not the native one, and not a broken response from writing quota headers.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FaceRedisOutageTests
{
    [Fact]
    public async Task With_Redis_stopped_each_face_answers_503_in_its_shape_and_recovers()
    {
        var connection = await ClusterEnvironment.FreshDatabaseAsync();
        await using var host = await PalisadeHost.StartAsync(configure: options =>
        {
            options.Postgres = connection;
            options.Redis = ClusterEnvironment.Redis;
            options.RedisKeyPrefix = "faces:" + Guid.NewGuid().ToString("N")[..8] + ":";
        });
        var key = await host.CreateKeyAsync("enterprise");
        // A listed address, so the TAXII page holds an indicator to charge for.
        using var sensor = host.ClientWithKey(await host.CreateKeyAsync("honeypot"));
        Assert.Equal(HttpStatusCode.OK, (await sensor.PostJsonAsync("/v1/key/report",
            new { ip = "45.33.84.1", categories = new[] { "exploited_host", "malware", "brute_force", "ddos" }, protocol = "ssh" })).StatusCode);
        foreach (var face in Face.All)
        {
            using var client = face.Client(host.BaseAddress, key);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(face.Check("45.33.84.1"))).StatusCode);
        }

        try
        {
            await ClusterEnvironment.StopRedisAsync();
            foreach (var face in Face.All)
            {
                using var client = face.Client(host.BaseAddress, key);
                var response = await client.GetAsync(face.Check("45.33.84.1"));
                var message = await face.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable);
                Assert.Contains("quota", message, StringComparison.OrdinalIgnoreCase);
                Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            }

            // The keyless public quota of ReportedIP lives in Redis too.
            var anonymous = await host.Client.GetAsync("/wp-json/reportedip/v2/check-public?ip=45.33.84.1");
            await Face.ReportedIp.AssertErrorAsync(anonymous, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await ClusterEnvironment.StartRedisAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var face in Face.All)
        {
            using var client = face.Client(host.BaseAddress, key);
            var status = HttpStatusCode.ServiceUnavailable;
            while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                status = (await client.GetAsync(face.Check("45.33.84.1"))).StatusCode;
                if (status != HttpStatusCode.OK)
                {
                    await Task.Delay(200);
                }
            }

            Assert.Equal(HttpStatusCode.OK, status);
        }
    }
}
