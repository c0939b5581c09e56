using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Palisade.Core.Addresses;

/// <summary>
/// Strict parsing of user-supplied addresses. Accepts dotted-quad IPv4 (exactly four decimal parts, no leading zeros
/// that would change meaning) and every textual IPv6 form; refuses zone ids ("fe80::1%eth0"), CIDR suffixes,
/// whitespace and anything IPAddress.Parse would accept loosely ("1.2.3", "0x7f.1").
/// </summary>
/// <remarks>
/// Classification choices: IPv6 forms that embed an IPv4 host (NAT64, 6to4, Teredo, IPv4-mapped and -compatible; see
/// <see cref="EmbeddedIPv4"/>) are folded to that IPv4 address and classified as it.
/// Everything in IPv6 outside 2000::/3 that is not otherwise named (e.g. 4000::/2, fec0::/10 site-local) is Reserved,
/// because IANA has not allocated it for global unicast.
/// </remarks>
public static class IpAddressParser
{
    /// <summary>Longest accepted input. The longest IPv6 text ("ffff:…:255.255.255.255") is 45 characters.</summary>
    public const int MaxInputLength = 64;

    /// <summary>Parses and classifies. On failure <paramref name="error"/> says what is wrong, for a person to read.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out NormalizedAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (!TryParseAddress(input, out var ip, out error))
        {
            return false;
        }

        // A dotted quad this parser accepts is already canonical (four decimal parts, no leading zeros): its text is the
        // input itself rather than a new string formatted from the address.
        address = ip.AddressFamily == AddressFamily.InterNetwork ? Normalize(ip, input!) : Normalize(ip);
        return true;
    }

    /// <summary>Parses "1.2.3.0/24" or "2001:db8::/48". Host bits must be zero: "1.2.3.4/24" is refused (and the
    /// error names the network that was probably meant) because a silently widened range is a surprise to whoever
    /// typed it. An IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) is folded to IPv4.</summary>
    public static bool TryParseNetwork(string? input, out IPNetwork network, [NotNullWhen(false)] out string? error)
        => TryParseNetwork(input, maskHostBits: false, out network, out error);

    /// <summary>As <see cref="TryParseNetwork(string?, out IPNetwork, out string?)"/>; with
    /// <paramref name="maskHostBits"/> host bits are cleared instead of refused (for imported data, not for people).</summary>
    public static bool TryParseNetwork(string? input, bool maskHostBits, out IPNetwork network, [NotNullWhen(false)] out string? error)
    {
        network = default;
        if (string.IsNullOrEmpty(input))
        {
            error = "the network is empty";
            return false;
        }

        if (input.Length > MaxInputLength + 4)
        {
            error = $"the network is too long (at most {MaxInputLength + 4} characters)";
            return false;
        }

        var slash = input.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"'{input}' is not a network in CIDR notation (address/prefix length, e.g. 192.0.2.0/24)";
            return false;
        }

        if (!TryParseAddress(input[..slash], out var ip, out var addressError))
        {
            error = $"'{input}' is not a valid network: {addressError}";
            return false;
        }

        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefixText = input.AsSpan(slash + 1);
        if (!TryParseDecimal(prefixText, 3, out var prefix) || prefix > bits)
        {
            error = $"'{input}' has an invalid prefix length (0 to {bits} for IPv{(bits == 32 ? 4 : 6)})";
            return false;
        }

        if (bits == 128 && prefix >= 96 && ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
            prefix -= 96;
        }

        var masked = Mask(ip, prefix);
        if (!maskHostBits && !masked.Equals(ip))
        {
            error = $"'{input}' has host bits set; did you mean {masked}/{prefix}?";
            return false;
        }

        network = new IPNetwork(masked, prefix);
        error = null;
        return true;
    }

    /// <summary>Classifies an already-parsed address (private, loopback, documentation, …). An IPv4-mapped IPv6 address
    /// is classified as the IPv4 address it carries.</summary>
    public static AddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return ClassifyV4(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        address.TryWriteBytes(bytes, out _);
        var hi = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        if (hi == 0 && (lo >> 32) == 0xFFFF)
        {
            return ClassifyV4((uint)lo);
        }

        if (EmbeddedIPv4(address) is { } embedded)
        {
            embedded.TryWriteBytes(bytes, out _);
            return ClassifyV4(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        return ClassifyV6(hi, lo);
    }

    /// <summary>Builds the canonical form of an address that is already parsed (folding IPv4-mapped IPv6, dropping a
    /// zone id) and classifies it.</summary>
    public static NormalizedAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            else if (EmbeddedIPv4(address) is { } embedded)
            {
                address = embedded;
            }
            else if (address.ScopeId != 0)
            {
                Span<byte> raw = stackalloc byte[16];
                address.TryWriteBytes(raw, out _);
                address = new IPAddress(raw);
            }
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Normalize(address, address.ToString());
        }

        var kind = Classify(address);
        Span<byte> prefix = stackalloc byte[16];
        address.TryWriteBytes(prefix, out _);
        prefix[8..].Clear();
        return new NormalizedAddress(address, address.ToString(), kind) { Prefix64 = new IPAddress(prefix) + "/64" };
    }

    // An IPv4 address with its canonical text.
    private static NormalizedAddress Normalize(IPAddress v4, string text) => new(v4, text, Classify(v4));

    /// <summary>
    /// The IPv4 host an IPv6 transition address stands for, or null. Traffic from these addresses is traffic from that
    /// IPv4 host, so it is scored and whitelisted as that host (otherwise <c>64:ff9b::808:808</c> would be a second,
    /// unwhitelisted 8.8.8.8). Forms (docs/scoring.md "Address forms"):
    /// NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/96 (RFC 6052/8215, the last 32 bits);
    /// 6to4 2002::/16 (RFC 3056, bits 16–47); Teredo 2001:0::/32 (RFC 4380, the client address, the last 32 bits
    /// inverted); IPv4-compatible ::a.b.c.d (RFC 4291, deprecated; not :: and ::1). Other addresses of
    /// 64:ff9b:1::/48 embed the host at a prefix length only the local operator knows: they stay Reserved and a report
    /// of one is refused.
    /// </summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var hi = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var top16 = (uint)(hi >> 48);
        if ((hi == 0x0064FF9B00000000UL || hi == 0x0064FF9B00010000UL) && (lo >> 32) == 0)
        {
            return new IPAddress(bytes[12..]);
        }

        if (top16 == 0x2002)
        {
            return new IPAddress(bytes[2..6]);
        }

        if ((hi >> 32) == 0x20010000UL)
        {
            Span<byte> client = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                client[i] = (byte)~bytes[12 + i];
            }

            return new IPAddress(client);
        }

        if (hi == 0 && (lo >> 32) == 0 && lo > 1)
        {
            return new IPAddress(bytes[12..]);
        }

        return null;
    }

    private static bool TryParseAddress(string? input, [NotNullWhen(true)] out IPAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrEmpty(input))
        {
            error = "the address is empty";
            return false;
        }

        // Checked before anything else so that a huge input costs nothing and is never echoed back.
        if (input.Length > MaxInputLength)
        {
            error = $"the address is too long (at most {MaxInputLength} characters)";
            return false;
        }

        if (char.IsWhiteSpace(input[0]) || char.IsWhiteSpace(input[^1]))
        {
            error = $"'{input}' has leading or trailing whitespace";
            return false;
        }

        if (input.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{input}' has a zone id (%…), which is only meaningful on the machine that wrote it";
            return false;
        }

        if (input.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{input}' is a network, not a single address";
            return false;
        }

        if (input.Contains(':', StringComparison.Ordinal))
        {
            if (TryParseV6(input, out address))
            {
                error = null;
                return true;
            }
        }
        else
        {
            Span<byte> v4 = stackalloc byte[4];
            if (TryParseV4(input, v4))
            {
                address = new IPAddress(v4);
                error = null;
                return true;
            }
        }

        error = $"'{input}' is not a valid IPv4 or IPv6 address";
        return false;
    }

    /// <summary>Exactly four decimal parts 0–255 without leading zeros (which some parsers read as octal).</summary>
    private static bool TryParseV4(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        for (var part = 0; part < 4; part++)
        {
            var dot = text.IndexOf('.');
            ReadOnlySpan<char> digits;
            if (part < 3)
            {
                if (dot < 0)
                {
                    return false;
                }

                digits = text[..dot];
                text = text[(dot + 1)..];
            }
            else
            {
                if (dot >= 0)
                {
                    return false;
                }

                digits = text;
            }

            if (!TryParseDecimal(digits, 3, out var value) || value > 255)
            {
                return false;
            }

            bytes[part] = (byte)value;
        }

        return true;
    }

    /// <summary>ASCII decimal, 1 to <paramref name="maxDigits"/> digits, no sign, no leading zero except "0" itself.</summary>
    private static bool TryParseDecimal(ReadOnlySpan<char> digits, int maxDigits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > maxDigits || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static bool TryParseV6(string input, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;

        // The framework parser also takes brackets, zone ids and a lax embedded IPv4 part ("::ffff:1.2.3.04"):
        // allow only the characters of the textual forms and check the embedded IPv4 part ourselves.
        var hasDot = false;
        foreach (var c in input)
        {
            if (c == '.')
            {
                hasDot = true;
            }
            else if (c != ':' && !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        if (hasDot)
        {
            var tail = input.AsSpan(input.LastIndexOf(':') + 1);
            Span<byte> v4 = stackalloc byte[4];
            if (!TryParseV4(tail, v4))
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(input, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < length; i++)
        {
            var keep = prefix - (i * 8);
            if (keep <= 0)
            {
                bytes[i] = 0;
            }
            else if (keep < 8)
            {
                bytes[i] &= (byte)(0xFF << (8 - keep));
            }
        }

        return new IPAddress(bytes);
    }

    private static bool InV4(uint address, uint network, int prefix) => (address >> (32 - prefix)) == (network >> (32 - prefix));

    private static AddressKind ClassifyV4(uint a)
    {
        var first = a >> 24;
        switch (first)
        {
            case 0:
                return a == 0 ? AddressKind.Unspecified : AddressKind.Reserved;
            case 10:
                return AddressKind.Private;
            case 127:
                return AddressKind.Loopback;
            case >= 240:
                // 240/4 "future use" and the limited broadcast 255.255.255.255.
                return AddressKind.Reserved;
            case >= 224:
                return AddressKind.Multicast;
            default:
                break;
        }

        if (InV4(a, 0x64400000, 10))
        {
            return AddressKind.Private; // 100.64/10 carrier-grade NAT
        }

        if (InV4(a, 0xA9FE0000, 16))
        {
            return AddressKind.LinkLocal; // 169.254/16
        }

        if (InV4(a, 0xAC100000, 12) || InV4(a, 0xC0A80000, 16))
        {
            return AddressKind.Private; // 172.16/12, 192.168/16
        }

        if (InV4(a, 0xC0000200, 24) || InV4(a, 0xC6336400, 24) || InV4(a, 0xCB007100, 24))
        {
            return AddressKind.Documentation; // 192.0.2/24, 198.51.100/24, 203.0.113/24
        }

        if (InV4(a, 0xC0000000, 24) || InV4(a, 0xC6120000, 15) || InV4(a, 0xC0586300, 24))
        {
            return AddressKind.Reserved; // 192.0.0/24 protocol assignments, 198.18/15 benchmarking, 192.88.99/24 6to4 relay (deprecated)
        }

        return AddressKind.Public;
    }

    private static AddressKind ClassifyV6(ulong hi, ulong lo)
    {
        var top16 = (uint)(hi >> 48);

        if ((top16 & 0xE000) == 0x2000)
        {
            // 2000::/3, global unicast, with its special blocks.
            if ((hi >> 32) == 0x20010DB8 || (hi >> 44) == 0x3FFF0)
            {
                return AddressKind.Documentation; // 2001:db8::/32, 3fff::/20
            }

            if ((hi >> 41) == (0x2001UL << 7))
            {
                return AddressKind.Reserved; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, AS112, …)
            }

            return AddressKind.Public;
        }

        if (hi == 0)
        {
            if (lo == 0)
            {
                return AddressKind.Unspecified;
            }

            return lo == 1 ? AddressKind.Loopback : AddressKind.Reserved; // rest of ::/8 (IPv4-compatible, deprecated)
        }

        if (hi == 0x0064FF9B00000000UL && (lo >> 32) == 0)
        {
            return AddressKind.Public; // 64:ff9b::/96 NAT64: stands for the public IPv4 host behind it
        }

        if ((top16 & 0xFE00) == 0xFC00)
        {
            return AddressKind.Private; // fc00::/7 unique local
        }

        if ((top16 & 0xFFC0) == 0xFE80)
        {
            return AddressKind.LinkLocal; // fe80::/10
        }

        if ((top16 & 0xFF00) == 0xFF00)
        {
            return AddressKind.Multicast; // ff00::/8
        }

        // 64:ff9b:1::/48 local NAT64, 100::/64 discard, 5f00::/16 SRv6, fec0::/10 and the rest of the unallocated space.
        return AddressKind.Reserved;
    }
}
