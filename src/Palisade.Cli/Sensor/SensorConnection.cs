using System.Net;
using System.Net.Sockets;
using System.Text;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// One attacker connection as a protocol handler sees it: bounded line reading (bytes per line, bytes per connection),
/// fixed replies, and the events it records. Nothing the peer sends is ever executed or sent back.
/// </summary>
internal sealed class SensorConnection(Stream stream, IPAddress remote, int localPort, string protocol, Action<SensorEvent> record, bool keepPasswords)
{
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public IPAddress Remote { get; } = remote;

    public string Address { get; } = remote.ToString();

    public int LocalPort { get; } = localPort;

    public string Protocol { get; } = protocol;

    public Stream Stream { get; } = stream;

    /// <summary>Bytes received so far.</summary>
    public long Received { get; private set; }

    /// <summary>Events recorded on this connection.</summary>
    public int Events { get; private set; }

    /// <summary>Login attempts recorded on this connection (handlers stop after <see cref="SensorSettings.MaxAttemptsPerConnection"/>).</summary>
    public int Attempts { get; private set; }

    public bool AttemptsLeft => Attempts < SensorSettings.MaxAttemptsPerConnection;

    public void Record(SensorEventKind kind, string? username = null, string? password = null, string? method = null, string? path = null, string? detail = null)
    {
        Events++;
        if (kind == SensorEventKind.Login)
        {
            Attempts++;
        }

        record(new SensorEvent(Address, Protocol, LocalPort, kind, DateTimeOffset.UtcNow, username, keepPasswords ? password : null, method, path, detail));
    }

    public Task WriteAsync(string text, CancellationToken cancellationToken) => WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(bytes, cancellationToken);
        await Stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads up to <paramref name="destination"/>'s length in bytes (fewer at the end of the stream); null when the connection's byte budget is spent.</summary>
    public async Task<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }

        return await ReadRawAsync(destination, cancellationToken);
    }

    /// <summary>Reads exactly <paramref name="destination"/>'s length; false at the end of the stream.</summary>
    public async Task<bool> ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var n = await ReadAsync(destination[done..], cancellationToken);
            if (n == 0)
            {
                return false;
            }

            done += n;
        }

        return true;
    }

    /// <summary>
    /// The next line (without CR/LF), as Latin-1 so any byte survives; null at the end of the stream. A line longer than
    /// <see cref="SensorSettings.MaxLineBytes"/> ends the connection (null).
    /// </summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken, Func<byte[], int, int, int>? filter = null)
    {
        var line = new List<byte>(64);
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await ReadRawAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return line.Count > 0 ? Encoding.Latin1.GetString([.. line]) : null;
                }

                if (filter is not null)
                {
                    _end = filter(_buffer, 0, _end);
                    continue;
                }
            }

            var b = _buffer[_start++];
            if (b == (byte)'\n')
            {
                return Encoding.Latin1.GetString([.. line]).TrimEnd('\r', '\0');
            }

            if (line.Count >= SensorSettings.MaxLineBytes)
            {
                return null;
            }

            line.Add(b);
        }
    }

    private async Task<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var budget = SensorSettings.MaxBytesPerConnection - Received;
        if (budget <= 0)
        {
            return 0;
        }

        int n;
        try
        {
            n = await Stream.ReadAsync(destination[..(int)Math.Min(destination.Length, budget)], cancellationToken);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (SocketException)
        {
            return 0;
        }

        Received += n;
        return n;
    }
}
