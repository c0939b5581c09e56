using System.Net;
using System.Net.Sockets;

namespace Palisade.Server.Tests.Alerts;

internal static class FreePort
{
    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // Ports below the kernel's ephemeral range are never handed out by a bind to port 0 or to an outgoing connection, so
    // one chosen there stays free while a test's listener is down; the counter keeps two tests of this run off the same one.
    private static int _nextLasting = EphemeralLow() - 12_000 + Random.Shared.Next(10_000);

    /// <summary>A loopback port for a listener that goes away and comes back on it during a test (a webhook receiver, a
    /// sensor restarted): <see cref="Next"/>'s port may be handed to another socket meanwhile.</summary>
    public static int Lasting()
    {
        for (var tries = 0; tries < 100; tries++)
        {
            var port = Interlocked.Increment(ref _nextLasting);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Someone outside this run listens there: the next one.
            }
        }

        throw new InvalidOperationException("No free loopback port below the ephemeral range.");
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > 13_000
            ? low
            : 32_768;
    }
}
