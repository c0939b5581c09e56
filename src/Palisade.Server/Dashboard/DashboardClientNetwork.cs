using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Dashboard;

/// <summary>
/// The network a dashboard client counts under: one person easily holds a whole IPv6 /64 (or /48) and an IPv4 /24, so
/// limits count networks, not single addresses. The address is the connection's, after trusted-proxy headers.
/// </summary>
public static class DashboardClientNetwork
{
    /// <summary>Sign-in limits: the IPv4 address, or the IPv6 /64.</summary>
    public static string ForSignIn(HttpContext http) => Of(http.Connection.RemoteIpAddress, 32, 64);

    /// <summary>Sign-up limits: the IPv4 /24, or the IPv6 /48.</summary>
    public static string ForSignUp(HttpContext http) => Of(http.Connection.RemoteIpAddress, 24, 48);

    /// <summary>"a.b.c.0/24"-style text of the network of <paramref name="address"/> (IPv4-mapped IPv6 counts as IPv4).</summary>
    public static string Of(IPAddress? address, int ipv4Bits, int ipv6Bits)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ipv4Bits : ipv6Bits;
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes) + "/" + bits.ToString(CultureInfo.InvariantCulture);
    }
}
