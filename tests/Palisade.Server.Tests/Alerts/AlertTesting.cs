using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Palisade.Server.Alerts;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Alerts;

/// <summary>Shared steps of the alert tests: delivery settings for a test host, reports, polling with a deadline, signatures.</summary>
internal static class AlertTesting
{
    /// <summary>The settings of <see cref="ConfigureDelivery"/> as command-line configuration, for a host whose delivery
    /// service must run with them from its first pass (a restart test: a pass with the defaults would block the private
    /// webhook and wait 30 s before the next try).</summary>
    public static readonly string[] DeliveryArgs =
    [
        "--Palisade:Alerts:AllowPrivateWebhooks=true", "--Palisade:Alerts:PollInterval=00:00:00.100",
        "--Palisade:Alerts:RetryBaseDelay=00:00:00.200", "--Palisade:Alerts:MaxRetryDelay=00:00:01",
        "--Palisade:Alerts:WebhookTimeout=00:00:05",
    ];

    /// <summary>What an operator would put under Palisade:Alerts / Palisade:Smtp, set on the running host's options.</summary>
    public static void ConfigureDelivery(PalisadeHost host, int? smtpPort = null)
    {
        var alerts = host.Service<AlertOptions>();
        alerts.AllowPrivateWebhooks = true;
        alerts.PollInterval = TimeSpan.FromMilliseconds(100);
        alerts.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
        alerts.MaxRetryDelay = TimeSpan.FromSeconds(1);
        alerts.WebhookTimeout = TimeSpan.FromSeconds(5);
        if (smtpPort is { } port)
        {
            var smtp = host.Service<SmtpOptions>();
            smtp.Host = "127.0.0.1";
            smtp.Port = port;
            smtp.Security = "None";
            smtp.From = "alerts@palisade.test";
        }
    }

    /// <summary>An alert's id as the API writes it: a JSON string of digits (SikkerAPI's client decodes it as a string).</summary>
    public static long AlertId(this JsonElement alert)
    {
        var id = alert.GetProperty("id");
        Assert.True(id.ValueKind == JsonValueKind.String, $"id is a JSON string: {alert}");
        return long.Parse(id.GetString()!, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<JsonElement> CreateAlertAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/v1/key/alerts", body);
        var json = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    public static async Task ReportAsync(HttpClient client, string ip, int category = 4, string? comment = null, string? username = null)
    {
        var response = await client.PostJsonAsync("/v1/key/report", new { ip, category, comment, username });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until the condition holds; fails with the message after the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string message, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("Timed out: " + message);
            }

            await Task.Delay(50);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string message, int seconds = 20)
        => WaitUntilAsync(() => Task.FromResult(condition()), message, seconds);

    /// <summary>Checks "t=…,v1=…" as a receiver would: HMAC-SHA256 of "t.body" with the secret from creation.</summary>
    public static void AssertSigned(ReceivedWebhook hook, string secret)
    {
        Assert.NotNull(hook.Signature);
        var parts = hook.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) < 300, "signature timestamp is current");
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{hook.Body}")));
        Assert.Equal(expected, parts["v1"]);
    }
}
