using System.Diagnostics.CodeAnalysis;
using System.Net;
using Palisade.Core.Addresses;

namespace Palisade.Server.Alerts;

/// <summary>
/// Which webhook URLs are acceptable: absolute http(s), no credentials in the URL, and — unless the operator allows it —
/// no private, loopback or otherwise non-public destination, checked on the URL and again on every address connected to.
/// </summary>
public sealed class WebhookTargetPolicy(AlertOptions options)
{
    public const int MaxUrlLength = 2048;

    public bool AllowsPrivate => options.AllowPrivateWebhooks;

    public bool TryValidate(string input, [NotNullWhen(true)] out string? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (input.Length is 0 or > MaxUrlLength || !Uri.TryCreate(input, UriKind.Absolute, out var uri))
        {
            error = $"webhookUrl must be an absolute http or https URL of at most {MaxUrlLength} characters.";
            return false;
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            error = "webhookUrl must use http or https.";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "webhookUrl must not carry credentials or a fragment; verify deliveries with the X-Palisade-Signature header instead.";
            return false;
        }

        if (!options.AllowPrivateWebhooks && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var literal) && !IsAllowed(literal))
            || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
        {
            error = "webhookUrl points to a private, loopback or reserved address; this server only delivers webhooks to public addresses.";
            return false;
        }

        url = uri.AbsoluteUri;
        error = null;
        return true;
    }

    /// <summary>True when a connection to this address is allowed: the address is public and so is every IPv4 address
    /// it embeds (IPv4-mapped and -compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32), because a
    /// translator on the path delivers to the embedded one: 64:ff9b::a9fe:a9fe is the cloud metadata address.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (options.AllowPrivateWebhooks)
        {
            return true;
        }

        if (IpAddressParser.Classify(address) != AddressKind.Public)
        {
            return false;
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        // NAT64 local-use prefix (RFC 8215): translates into whatever the operator's network chooses.
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4] == 0x00 && bytes[5] == 0x01)
        {
            return false;
        }

        foreach (var embedded in EmbeddedIpv4(bytes))
        {
            if (IpAddressParser.Classify(new IPAddress(embedded)) != AddressKind.Public)
            {
                return false;
            }
        }

        return true;
    }

    private static List<byte[]> EmbeddedIpv4(ReadOnlySpan<byte> v6)
    {
        var found = new List<byte[]>(1);
        var upper96Zero = v6[..10].IndexOfAnyExcept((byte)0) < 0;
        if (upper96Zero && ((v6[10] == 0xff && v6[11] == 0xff) || (v6[10] == 0 && v6[11] == 0)))
        {
            found.Add(v6[12..16].ToArray()); // ::ffff:a.b.c.d and the deprecated ::a.b.c.d
        }

        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            found.Add(v6[12..16].ToArray()); // NAT64 well-known prefix 64:ff9b::/96
        }

        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            found.Add(v6[2..6].ToArray()); // 6to4 2002:AABB:CCDD::/48
        }

        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x00 && v6[3] == 0x00)
        {
            // Teredo 2001:0::/32: the server's IPv4 in bits 32-63, the client's inverted in the last 32 bits.
            found.Add(v6[4..8].ToArray());
            found.Add([(byte)~v6[12], (byte)~v6[13], (byte)~v6[14], (byte)~v6[15]]);
        }

        return found;
    }
}
