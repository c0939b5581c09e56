using System.Text;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// SMTP: EHLO offers AUTH PLAIN and LOGIN; every AUTH is recorded and refused (535); MAIL is accepted and every RCPT
/// recorded as a relay attempt and refused (554), so no mail is ever taken, let alone sent on.
/// </summary>
internal static class SmtpHandler
{
    public static async Task RunAsync(SensorConnection connection, CancellationToken cancellationToken)
    {
        await connection.WriteAsync("220 mail.localdomain ESMTP Postfix (Debian/GNU)\r\n", cancellationToken);
        var relayRecorded = false;
        while (connection.AttemptsLeft)
        {
            var line = await connection.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return;
            }

            var (verb, argument) = FtpHandler.Split(line);
            switch (verb)
            {
                case "EHLO":
                    await connection.WriteAsync("250-mail.localdomain\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n", cancellationToken);
                    break;
                case "HELO":
                    await connection.WriteAsync("250 mail.localdomain\r\n", cancellationToken);
                    break;
                case "AUTH":
                    if (!await AuthAsync(connection, argument, cancellationToken))
                    {
                        return;
                    }

                    break;
                case "MAIL":
                    await connection.WriteAsync("250 2.1.0 Ok\r\n", cancellationToken);
                    break;
                case "RCPT":
                    if (!relayRecorded)
                    {
                        relayRecorded = true;
                        connection.Record(SensorEventKind.MailRelay, detail: argument);
                    }

                    await connection.WriteAsync("554 5.7.1 Relay access denied\r\n", cancellationToken);
                    break;
                case "DATA":
                    await connection.WriteAsync("554 5.5.1 Error: no valid recipients\r\n", cancellationToken);
                    break;
                case "RSET":
                case "NOOP":
                    await connection.WriteAsync("250 2.0.0 Ok\r\n", cancellationToken);
                    break;
                case "STARTTLS":
                    await connection.WriteAsync("454 4.7.0 TLS not available due to local problem\r\n", cancellationToken);
                    break;
                case "QUIT":
                    await connection.WriteAsync("221 2.0.0 Bye\r\n", cancellationToken);
                    return;
                default:
                    await connection.WriteAsync("502 5.5.2 Error: command not recognized\r\n", cancellationToken);
                    break;
            }
        }
    }

    /// <summary>AUTH PLAIN [initial] or AUTH LOGIN [initial]; false when the client went away.</summary>
    private static async Task<bool> AuthAsync(SensorConnection connection, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        var initial = parts.Length > 1 ? parts[1] : null;
        if (mechanism == "PLAIN")
        {
            if (initial is null)
            {
                await connection.WriteAsync("334 \r\n", cancellationToken);
                initial = await connection.ReadLineAsync(cancellationToken);
                if (initial is null)
                {
                    return false;
                }
            }

            // authzid \0 authcid \0 password
            var fields = Base64(initial)?.Split('\0') ?? [];
            connection.Record(SensorEventKind.Login, fields.Length >= 2 ? fields[1] : null, fields.Length >= 3 ? fields[2] : null);
        }
        else if (mechanism == "LOGIN")
        {
            if (initial is null)
            {
                await connection.WriteAsync("334 VXNlcm5hbWU6\r\n", cancellationToken);
                initial = await connection.ReadLineAsync(cancellationToken);
                if (initial is null)
                {
                    return false;
                }
            }

            await connection.WriteAsync("334 UGFzc3dvcmQ6\r\n", cancellationToken);
            var password = await connection.ReadLineAsync(cancellationToken);
            connection.Record(SensorEventKind.Login, Base64(initial), password is null ? null : Base64(password));
            if (password is null)
            {
                return false;
            }
        }
        else
        {
            await connection.WriteAsync("504 5.5.4 Unrecognized authentication type\r\n", cancellationToken);
            return true;
        }

        await connection.WriteAsync("535 5.7.8 Error: authentication failed: authentication failure\r\n", cancellationToken);
        return true;
    }

    internal static string? Base64(string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
