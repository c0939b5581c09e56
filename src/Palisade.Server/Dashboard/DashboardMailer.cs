using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Palisade.Server.Alerts;

namespace Palisade.Server.Dashboard;

/// <summary>The dashboard's account e-mails (verification links), sent through the SMTP server of <c>Palisade:Smtp</c>.</summary>
public sealed class DashboardMailer(SmtpOptions smtp)
{
    /// <summary>Sends a plain-text message; false when the SMTP server did not take it.</summary>
    public async Task<bool> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        if (!smtp.IsConfigured)
        {
            return false;
        }

        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        // 7-bit when it can be, so links reach the reader unwrapped (quoted-printable would fold long lines).
        message.Body = new TextPart("plain")
        {
            Text = body, ContentTransferEncoding = body.All(char.IsAscii) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable,
        };
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            var security = smtp.Security.ToLowerInvariant() switch
            {
                "none" => SecureSocketOptions.None,
                "sslonconnect" or "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }
}
