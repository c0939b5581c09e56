using System.Net;

namespace Palisade.Core.Addresses;

/// <summary>
/// A parsed, canonical IP address: IPv4-mapped IPv6 is folded to IPv4, IPv6 is in RFC 5952 form.
/// <see cref="Text"/> is the key the whole engine uses for an address.
/// </summary>
public sealed record NormalizedAddress(IPAddress Address, string Text, AddressKind Kind)
{
    public bool IsIPv6 => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    public bool IsPublic => Kind == AddressKind.Public;

    /// <summary>The /64 an IPv6 address belongs to ("2001:db8:1:2::/64"); null for IPv4.</summary>
    public string? Prefix64 { get; init; }

    public override string ToString() => Text;
}
