using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>FTP: USER and PASS are recorded and refused (530); every other command is refused before login.</summary>
internal static class FtpHandler
{
    public static async Task RunAsync(SensorConnection connection, CancellationToken cancellationToken)
    {
        await connection.WriteAsync("220 (vsFTPd 3.0.5)\r\n", cancellationToken);
        string? user = null;
        while (connection.AttemptsLeft)
        {
            var line = await connection.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return;
            }

            var (verb, argument) = Split(line);
            switch (verb)
            {
                case "USER":
                    user = argument;
                    await connection.WriteAsync("331 Please specify the password.\r\n", cancellationToken);
                    break;
                case "PASS":
                    connection.Record(SensorEventKind.Login, user ?? "", argument);
                    user = null;
                    await connection.WriteAsync("530 Login incorrect.\r\n", cancellationToken);
                    break;
                case "QUIT":
                    await connection.WriteAsync("221 Goodbye.\r\n", cancellationToken);
                    return;
                case "AUTH":
                    await connection.WriteAsync("530 Please login with USER and PASS.\r\n", cancellationToken);
                    break;
                default:
                    await connection.WriteAsync("530 Please login with USER and PASS.\r\n", cancellationToken);
                    break;
            }
        }
    }

    internal static (string Verb, string Argument) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line.Trim().ToUpperInvariant(), "") : (line[..space].Trim().ToUpperInvariant(), line[(space + 1)..].Trim());
    }
}
