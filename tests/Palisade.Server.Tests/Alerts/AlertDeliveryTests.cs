using System.Net;
using System.Text.Json;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Alerts;

public sealed class AlertDeliveryTests
{
    private static async Task<JsonElement> AlertAsync(HttpClient client, long id) => await (await client.GetAsync($"/v1/key/alerts/{id}")).JsonAsync();

    private static JsonElement[] Deliveries(JsonElement alert) => [.. alert.GetProperty("deliveries").EnumerateArray()];

    [Fact]
    public async Task A_report_in_a_watched_range_sends_exactly_one_email_and_one_signed_webhook()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        await using var host = await PalisadeHost.StartAsync();
        AlertTesting.ConfigureDelivery(host, smtp.Port);
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        using var reporter = host.ClientWithKey(await host.CreateKeyAsync("contributor"));

        var created = await AlertTesting.CreateAlertAsync(client, new
        {
            cidr = "45.33.32.0/28", label = "office range", notifyEmail = "ops@example.org", webhookUrl = hook.Url,
        });
        var id = created.AlertId();
        var secret = created.GetProperty("webhookSecret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        await AlertTesting.ReportAsync(reporter, "45.33.32.20", category: 4); // outside the /28
        await AlertTesting.ReportAsync(reporter, "45.33.32.7", category: 1);

        await AlertTesting.WaitUntilAsync(() => smtp.Messages().Count >= 1 && !hook.Received.IsEmpty, "an e-mail and a webhook");
        await AlertTesting.WaitUntilAsync(async () => Deliveries(await AlertAsync(client, id)).All(d => d.GetProperty("status").GetString() == "sent"),
            "both deliveries recorded as sent");
        // Several delivery passes later there is still exactly one of each.
        await Task.Delay(600);
        var mail = Assert.Single(smtp.Messages());
        var webhook = Assert.Single(hook.Received);

        Assert.Contains("To: ops@example.org", mail, StringComparison.Ordinal);
        Assert.Contains("office range", mail, StringComparison.Ordinal);
        Assert.Contains("45.33.32.7", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("45.33.32.20", mail, StringComparison.Ordinal);

        AlertTesting.AssertSigned(webhook, secret);
        using var payload = JsonDocument.Parse(webhook.Body);
        var match = Assert.Single(payload.RootElement.GetProperty("matches").EnumerateArray());
        Assert.Equal("45.33.32.7", match.GetProperty("ip").GetString());
        Assert.Equal([1], match.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(id, payload.RootElement.GetProperty("alert").GetProperty("id").GetInt64());

        var alert = await AlertAsync(client, id);
        Assert.Equal(1, alert.GetProperty("totalAlerts").GetInt64());
        Assert.Equal(1, alert.GetProperty("matchCount").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, alert.GetProperty("lastAlertedAt").ValueKind);
        Assert.Equal(2, Deliveries(alert).Length);
        Assert.False(alert.TryGetProperty("webhookSecret", out _));
    }

    [Fact]
    public async Task Cool_down_holds_further_matches_back_and_then_sends_them_as_one_digest()
    {
        var clock = new MutableClock(DateTimeOffset.UtcNow);
        await using var hook = await WebhookReceiver.StartAsync();
        await using var host = await PalisadeHost.StartAsync(clock: clock);
        AlertTesting.ConfigureDelivery(host);
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        using var reporter = host.ClientWithKey(await host.CreateKeyAsync("contributor"));
        var id = (await AlertTesting.CreateAlertAsync(client, new { cidr = "45.33.32.0/28", webhookUrl = hook.Url, cooldownSeconds = 3600 })).AlertId();

        await AlertTesting.ReportAsync(reporter, "45.33.32.1");
        await AlertTesting.WaitUntilAsync(() => hook.Received.Count == 1, "the first delivery");

        await AlertTesting.ReportAsync(reporter, "45.33.32.2");
        await AlertTesting.ReportAsync(reporter, "45.33.32.3", category: 1);
        await AlertTesting.WaitUntilAsync(async () => (await AlertAsync(client, id)).GetProperty("matchCount").GetInt64() == 3, "three matches counted");
        await Task.Delay(800); // eight delivery passes inside the cool-down
        Assert.Single(hook.Received);

        clock.Advance(TimeSpan.FromMinutes(61));
        await AlertTesting.WaitUntilAsync(() => hook.Received.Count == 2, "the digest after the cool-down");
        using var digest = JsonDocument.Parse(hook.Received.Last().Body);
        Assert.Equal(["45.33.32.2", "45.33.32.3"], digest.RootElement.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("ip").GetString()));
        Assert.Equal(2, digest.RootElement.GetProperty("matchCount").GetInt64());
        await Task.Delay(500);
        Assert.Equal(2, hook.Received.Count);
        Assert.Equal(2, (await AlertAsync(client, id)).GetProperty("totalAlerts").GetInt64());
    }

    [Fact]
    public async Task A_failed_webhook_is_retried_with_backoff_and_delivered_when_the_receiver_comes_back()
    {
        var port = FreePort.Lasting();
        await using var host = await PalisadeHost.StartAsync();
        AlertTesting.ConfigureDelivery(host);
        // At these delays ten attempts give up ~7 s after the first: a slow machine between the second attempt and the
        // receiver's start must not turn the retry under test into a delivery given up.
        host.Service<Palisade.Server.Alerts.AlertOptions>().MaxAttempts = 1000;
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        using var reporter = host.ClientWithKey(await host.CreateKeyAsync("contributor"));
        var created = await AlertTesting.CreateAlertAsync(client, new { ip = "45.33.32.9", webhookUrl = $"http://127.0.0.1:{port}/hook", cooldownSeconds = 0 });
        var id = created.AlertId();

        await AlertTesting.ReportAsync(reporter, "45.33.32.9");
        // Nobody listens: the delivery stays pending, with failed attempts and the reason recorded.
        await AlertTesting.WaitUntilAsync(async () => Deliveries(await AlertAsync(client, id)) is [var d]
            && d.GetProperty("attempts").GetInt32() >= 2 && d.GetProperty("status").GetString() == "pending", "two failed attempts");
        var pending = Assert.Single(Deliveries(await AlertAsync(client, id)));
        Assert.Contains("could not be reached", pending.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        await using var hook = await WebhookReceiver.StartAsync(port);
        await AlertTesting.WaitUntilAsync(() => !hook.Received.IsEmpty, "the retried delivery");
        AlertTesting.AssertSigned(Assert.Single(hook.Received), created.GetProperty("webhookSecret").GetString()!);
        await AlertTesting.WaitUntilAsync(async () => Deliveries(await AlertAsync(client, id)) is [var d] && d.GetProperty("status").GetString() == "sent",
            "the delivery recorded as sent");
        await Task.Delay(500);
        Assert.Single(hook.Received);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var host = await PalisadeHost.StartAsync();
        AlertTesting.ConfigureDelivery(host);
        using var client = host.ClientWithKey(await host.CreateKeyAsync());
        using var reporter = host.ClientWithKey(await host.CreateKeyAsync("contributor"));
        var id = (await AlertTesting.CreateAlertAsync(client, new { ip = "45.33.32.9", webhookUrl = $"http://127.0.0.1:{hook.Port}/moved" })).AlertId();

        await AlertTesting.ReportAsync(reporter, "45.33.32.9");
        await AlertTesting.WaitUntilAsync(async () => Deliveries(await AlertAsync(client, id)) is [var d] && d.GetProperty("attempts").GetInt32() >= 1,
            "an attempt");
        Assert.Contains("HTTP 302", Assert.Single(Deliveries(await AlertAsync(client, id))).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(hook.Received);
    }

    [Fact]
    public async Task Email_username_and_preference_filters_decide_what_is_told()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var host = await PalisadeHost.StartAsync();
        AlertTesting.ConfigureDelivery(host);
        using var client = host.ClientWithKey(await host.CreateKeyAsync("contributor"));
        using var reporter = host.ClientWithKey(await host.CreateKeyAsync("contributor"));
        var email = (await AlertTesting.CreateAlertAsync(client, new { email = "Victim@Example.org", webhookUrl = hook.Url })).AlertId();
        var user = (await AlertTesting.CreateAlertAsync(client, new { username = "backup-admin", webhookUrl = hook.Url })).AlertId();
        var filtered = (await AlertTesting.CreateAlertAsync(client, new { ip = "45.33.32.50", webhookUrl = hook.Url, categories = new[] { 6 } })).AlertId();

        await AlertTesting.ReportAsync(reporter, "45.33.32.40", category: 6, comment: "phishing mail to victim@example.org from this host");
        await AlertTesting.ReportAsync(reporter, "45.33.32.41", category: 1, username: "backup-admin");
        await AlertTesting.ReportAsync(reporter, "45.33.32.50", category: 4); // not category 6: filtered out

        await AlertTesting.WaitUntilAsync(() => hook.Received.Count >= 2, "two deliveries");
        await Task.Delay(500);
        var bodies = hook.Received.Select(h => JsonDocument.Parse(h.Body).RootElement).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal([email, user], bodies.Select(b => b.GetProperty("alert").GetProperty("id").GetInt64()).Order());
        var byUser = bodies.Single(b => b.GetProperty("alert").GetProperty("id").GetInt64() == user);
        Assert.Equal("backup-admin", byUser.GetProperty("matches")[0].GetProperty("username").GetString());
        Assert.Equal(0, (await AlertAsync(client, filtered)).GetProperty("matchCount").GetInt64());

        // The e-mail address was matched in the raw comment; what was stored is scrubbed.
        var check = await (await reporter.GetAsync("/v1/key/check/45.33.32.40?verbose=true")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("victim@example.org", check, StringComparison.OrdinalIgnoreCase);
        Assert.All(hook.Received, h => Assert.DoesNotContain("phishing mail", h.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Waiting_deliveries_survive_a_restart()
    {
        var port = FreePort.Lasting();
        var dataDirectory = TempDirectory.Create();
        long id;
        string secret;
        await using (var first = await PalisadeHost.StartAsync(dataDirectory))
        {
            first.KeepData();
            AlertTesting.ConfigureDelivery(first);
            using var client = first.ClientWithKey(await first.CreateKeyAsync(name: "owner"));
            using var reporter = first.ClientWithKey(await first.CreateKeyAsync("contributor"));
            var created = await AlertTesting.CreateAlertAsync(client, new { ip = "45.33.32.9", webhookUrl = $"http://127.0.0.1:{port}/hook" });
            id = created.AlertId();
            secret = created.GetProperty("webhookSecret").GetString()!;
            await AlertTesting.ReportAsync(reporter, "45.33.32.9");
            await AlertTesting.WaitUntilAsync(async () => Deliveries(await AlertAsync(client, id)) is [var d] && d.GetProperty("attempts").GetInt32() >= 1,
                "a failed attempt before the restart");
        }

        try
        {
            await using var hook = await WebhookReceiver.StartAsync(port);
            await using var second = await PalisadeHost.StartAsync(dataDirectory, args: AlertTesting.DeliveryArgs);
            await AlertTesting.WaitUntilAsync(() => !hook.Received.IsEmpty, "the delivery after the restart");
            var webhook = Assert.Single(hook.Received);
            AlertTesting.AssertSigned(webhook, secret);
            using var payload = JsonDocument.Parse(webhook.Body);
            Assert.Equal(id, payload.RootElement.GetProperty("alert").GetProperty("id").GetInt64());
            Assert.Equal("45.33.32.9", payload.RootElement.GetProperty("matches")[0].GetProperty("ip").GetString());
        }
        finally
        {
            TempDirectory.Delete(dataDirectory);
        }
    }
}
