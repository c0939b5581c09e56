using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Palisade.Core.Alerts;

namespace Palisade.Server.Alerts;

/// <summary>Delivers a digest as a plain-text e-mail through the configured SMTP server (MailKit).</summary>
internal sealed class SmtpAlertDispatcher(SmtpOptions options) : IAlertDispatcher
{
    public AlertChannel Channel => AlertChannel.Email;

    public async Task DeliverAsync(Alert alert, AlertDelivery delivery, CancellationToken cancellationToken)
    {
        if (!options.IsConfigured)
        {
            throw new AlertDeliveryException("No SMTP server is configured (Palisade:Smtp:Host).");
        }

        using var message = Compose(alert, delivery);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, SecurityOption(), cancellationToken);
            if (!string.IsNullOrEmpty(options.User))
            {
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new AlertDeliveryException("The SMTP server did not take the message: " + ex.Message, ex);
        }
    }

    private MimeMessage Compose(Alert alert, AlertDelivery delivery)
    {
        using var payload = JsonDocument.Parse(delivery.Payload);
        var root = payload.RootElement;
        var matches = root.GetProperty("matches");
        var total = root.GetProperty("matchCount").GetInt64();
        var watched = alert.Label ?? $"{AlertTargets.Name(alert.Kind)} {alert.Target}";
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"Palisade alert {alert.Id} ({watched}) matched {total} report(s).\n\n");
        foreach (var match in matches.EnumerateArray())
        {
            body.Append(CultureInfo.InvariantCulture,
                $"- {match.GetProperty("ip").GetString()} score {match.GetProperty("score").GetInt32()} categories " +
                $"{string.Join(',', match.GetProperty("categories").EnumerateArray().Select(c => c.GetInt32()))} at {match.GetProperty("reportedAt").GetString()}\n");
        }

        if (root.GetProperty("truncated").GetBoolean())
        {
            body.Append("\nMore matches follow in the next message.\n");
        }

        body.Append("\nThe same data as JSON:\n").Append(delivery.Payload).Append('\n');
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(delivery.Destination));
        message.Subject = $"[Palisade] {watched}: {total} new match{(total == 1 ? "" : "es")}";
        message.Headers.Add("X-Palisade-Alert", alert.Id.ToString(CultureInfo.InvariantCulture));
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }

    private SecureSocketOptions SecurityOption() => options.Security.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "sslonconnect" or "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}
