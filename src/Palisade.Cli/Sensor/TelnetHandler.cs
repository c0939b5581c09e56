using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// Telnet: a login and a password prompt, always "Login incorrect". Option negotiation is stripped from the input and
/// refused (the sensor only offers WILL ECHO so clients do not show the password); nothing typed is echoed.
/// </summary>
internal static class TelnetHandler
{
    private const byte Iac = 255;
    private const byte Will = 251;
    private const byte Echo = 1;
    private const byte SubBegin = 250;
    private const byte SubEnd = 240;

    public static async Task RunAsync(SensorConnection connection, CancellationToken cancellationToken)
    {
        var state = new IacState();
        int Filter(byte[] buffer, int offset, int count) => state.Strip(buffer, offset, count);
        await connection.WriteAsync("\r\nUbuntu 22.04.4 LTS\r\n", cancellationToken);
        while (connection.AttemptsLeft)
        {
            await connection.WriteAsync("login: ", cancellationToken);
            var user = await connection.ReadLineAsync(cancellationToken, Filter);
            if (user is null)
            {
                return;
            }

            user = user.Trim();
            if (user.Length == 0)
            {
                continue;
            }

            await connection.WriteAsync([Iac, Will, Echo, .. "Password: "u8], cancellationToken);
            var password = await connection.ReadLineAsync(cancellationToken, Filter);
            connection.Record(SensorEventKind.Login, user, password);
            if (password is null)
            {
                return;
            }

            await connection.WriteAsync("\r\nLogin incorrect\r\n", cancellationToken);
        }
    }

    /// <summary>Removes IAC command sequences (also across reads); returns the new count.</summary>
    private sealed class IacState
    {
        private int _pending; // bytes of a command still to skip
        private bool _inSub;
        private bool _afterIac;

        public int Strip(byte[] buffer, int offset, int count)
        {
            var write = offset;
            for (var i = offset; i < offset + count; i++)
            {
                var b = buffer[i];
                if (_pending > 0)
                {
                    _pending--;
                    continue;
                }

                if (_afterIac)
                {
                    _afterIac = false;
                    if (b == SubBegin)
                    {
                        _inSub = true;
                    }
                    else if (b == SubEnd)
                    {
                        _inSub = false;
                    }
                    else if (b is >= Will and <= 254)
                    {
                        _pending = 1;
                    }
                    else if (b == Iac && !_inSub)
                    {
                        buffer[write++] = b;
                    }

                    continue;
                }

                if (b == Iac)
                {
                    _afterIac = true;
                    continue;
                }

                if (!_inSub)
                {
                    buffer[write++] = b;
                }
            }

            return write - offset;
        }
    }
}
