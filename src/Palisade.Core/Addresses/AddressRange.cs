using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Palisade.Core.Addresses;

/// <summary>
/// A CIDR block as exact 128-bit integers (IPv4 in the low 32 bits): its bounds, its size and membership without
/// floating point, for every prefix length of both families.
/// </summary>
public readonly record struct AddressRange
{
    private AddressRange(bool isIPv6, UInt128 first, UInt128 last, int prefixLength)
    {
        IsIPv6 = isIPv6;
        First = first;
        Last = last;
        PrefixLength = prefixLength;
    }

    public bool IsIPv6 { get; }

    /// <summary>The block's first address as an integer.</summary>
    public UInt128 First { get; }

    /// <summary>The block's last address as an integer.</summary>
    public UInt128 Last { get; }

    public int PrefixLength { get; }

    /// <summary>Addresses in the block minus one (exact; the count itself overflows for IPv6 ::/0).</summary>
    public UInt128 LastOffset => Last - First;

    /// <summary>Addresses in the block, exactly, for IPv6 blocks of /33 and narrower (a decimal holds less than 2^96).</summary>
    public decimal Size => (decimal)LastOffset + 1;

    public static AddressRange Of(IPNetwork network)
    {
        var v6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = v6 ? 128 : 32;
        var hostBits = bits - network.PrefixLength;
        var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first = ToInteger(network.BaseAddress) & ~hostMask;
        return new AddressRange(v6, first, first | hostMask, network.PrefixLength);
    }

    /// <summary>The address <paramref name="offset"/> places after the first one.</summary>
    public IPAddress At(UInt128 offset) => FromInteger(First + offset, IsIPv6);

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if ((address.AddressFamily == AddressFamily.InterNetworkV6) != IsIPv6)
        {
            return false;
        }

        var value = ToInteger(address);
        return value >= First && value <= Last;
    }

    /// <summary>Whether the address lies in the block.</summary>
    public bool Contains(AddressKey key) => key.IsIPv6 == IsIPv6 && key.Value >= First && key.Value <= Last;

    /// <summary>Whether the canonical text of an address (as the index keys it) lies in the block.</summary>
    public bool Contains(string canonical)
        => IPAddress.TryParse(canonical, out var address) && Contains(address);

    public static UInt128 ToInteger(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress FromInteger(UInt128 value, bool isIPv6)
    {
        if (!isIPv6)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
