using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Palisade.Core.Addresses;

/// <summary>
/// An address as a 128-bit value: IPv6 as its 16 bytes, IPv4 in the IPv4-mapped form (::ffff:a.b.c.d). The index keeps
/// this in each entry instead of the address text (issue 15: a string per address was 40–56 bytes and an object more to
/// allocate at start-up); the text is made when a face asks for it, and is exactly the canonical text
/// <see cref="IpAddressParser"/> gives (<see cref="NormalizedAddress.Text"/>).
/// </summary>
/// <remarks>Hash codes mix in the runtime's per-process random seed (<see cref="HashCode"/>), so nobody can choose
/// addresses that pile up in one probe run of a table.</remarks>
public readonly struct AddressKey : IEquatable<AddressKey>
{
    private const ulong MappedPrefix = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _high;
    private readonly ulong _low;

    private AddressKey(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    // The two halves, for hashes that must be the same in every process (BlocklistEntry's content hash).
    internal ulong High => _high;

    internal ulong Low => _low;

    /// <summary>True for an IPv4 address.</summary>
    public bool IsIPv4 => _high == 0 && (_low & 0xFFFF_FFFF_0000_0000UL) == MappedPrefix;

    /// <summary>True for an IPv6 address.</summary>
    public bool IsIPv6 => !IsIPv4;

    /// <summary>The address as an integer, as <see cref="AddressRange"/> counts them: 32 bits for IPv4, 128 for IPv6.</summary>
    public UInt128 Value => IsIPv4 ? (uint)_low : new UInt128(_high, _low);

    /// <summary>The key of an IPv4 address given as its 32-bit value (a.b.c.d is a &lt;&lt; 24 | … | d).</summary>
    public static AddressKey FromIPv4(uint value) => new(0, MappedPrefix | value);

    /// <summary>The key of <paramref name="address"/> (an IPv4-mapped IPv6 address is the IPv4 address it maps).</summary>
    public static AddressKey From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes)) : FromBytes(bytes);
    }

    /// <summary>The key whose upper and lower 64 bits are these (the inverse of <see cref="High"/> and <see cref="Low"/>).</summary>
    internal static AddressKey FromHalves(ulong high, ulong low) => new(high, low);

    /// <summary>The key of 16 bytes in network order (an IPv4-mapped value is that IPv4 address).</summary>
    public static AddressKey FromBytes(ReadOnlySpan<byte> bytes)
        => new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..16]));

    /// <summary>Writes the 16 bytes in network order.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..16], _low);
    }

    /// <summary>
    /// Parses an address: a canonical dotted quad at once, anything else through <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>
    /// (an IPv4-mapped IPv6 address is the IPv4 address it maps, as <see cref="IpAddressParser"/> folds it). Zone ids are
    /// refused. Every text of one address gives one key, so a lookup by any of them finds its entry.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out AddressKey key)
    {
        if (TryParseDottedQuad(text, out key))
        {
            return true;
        }

        if (text.IsEmpty || text.Length > IpAddressParser.MaxInputLength || text.Contains('%') || !IPAddress.TryParse(text, out var ip))
        {
            return false;
        }

        key = From(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        return true;
    }

    // The canonical IPv4 text: four decimal parts of 0–255, no leading zeros.
    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out AddressKey key)
    {
        key = default;
        uint value = 0;
        var part = 0;
        var digits = 0;
        var partValue = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || ++part > 3)
                {
                    return false;
                }

                value = (value << 8) | (uint)partValue;
                digits = partValue = 0;
                continue;
            }

            // Digits only, at most three, no leading zero ("01" is not canonical), at most 255.
            if (c is < '0' or > '9' || digits == 3 || (digits == 1 && partValue == 0))
            {
                return false;
            }

            partValue = (partValue * 10) + (c - '0');
            digits++;
            if (partValue > 255)
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            return false;
        }

        key = FromIPv4((value << 8) | (uint)partValue);
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing for text that is not an address.</summary>
    public static AddressKey Parse(string text)
        => TryParse(text, out var key) ? key : throw new ArgumentException($"'{text}' is not an IP address.", nameof(text));

    /// <summary>The address as an <see cref="IPAddress"/> (a new object).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteBytes(bytes);
        return IsIPv4 ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }

    /// <summary>The canonical text (a new string each call: keep it only where it is needed).</summary>
    public override string ToString()
    {
        if (!IsIPv4)
        {
            return ToIPAddress().ToString();
        }

        Span<char> text = stackalloc char[15];
        var length = FormatIPv4(text);
        return new string(text[..length]);
    }

    /// <summary>Writes the canonical text as ASCII/UTF-8; false when <paramref name="destination"/> is too short.</summary>
    public bool TryFormat(Span<byte> destination, out int written)
    {
        if (!IsIPv4)
        {
            return ToIPAddress().TryFormat(destination, out written);
        }

        Span<char> text = stackalloc char[15];
        var length = FormatIPv4(text);
        if (length > destination.Length)
        {
            written = 0;
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)text[i];
        }

        written = length;
        return true;
    }

    private int FormatIPv4(Span<char> text)
    {
        var value = (uint)_low;
        var length = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var part = (value >> shift) & 0xFF;
            if (part >= 100)
            {
                text[length++] = (char)('0' + (part / 100));
            }

            if (part >= 10)
            {
                text[length++] = (char)('0' + (part / 10 % 10));
            }

            text[length++] = (char)('0' + (part % 10));
            if (shift > 0)
            {
                text[length++] = '.';
            }
        }

        return length;
    }

    public bool Equals(AddressKey other) => _high == other._high && _low == other._low;

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is AddressKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public static bool operator ==(AddressKey left, AddressKey right) => left.Equals(right);

    public static bool operator !=(AddressKey left, AddressKey right) => !left.Equals(right);
}
