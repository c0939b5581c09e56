using System.Buffers;
using System.Globalization;
using System.Text;

namespace Palisade.Core.Stix;

/// <summary>
/// Palisade's stable STIX ids: UUIDv5 in Palisade's own namespace (never the STIX observable namespace, which the
/// spec forbids for SDOs). An indicator id is derived from the canonical address and its listing generation, so the
/// same address gets the same id on every server, and a new one after a revocation (a revoked object is final).
/// </summary>
public static class StixIdentifiers
{
    /// <summary>Palisade's namespace: a fixed random UUID. Never change it, every published id depends on it.</summary>
    public static readonly Guid PalisadeNamespace = new("4ae95f4a-d258-4c24-a59c-5df3ff51328c");

    public static string Identity { get; } = "identity--" + StixUuid.Version5(PalisadeNamespace, "identity:palisade").ToString("D");

    /// <summary>TLP:WHITE, one of the four TLP 1.0 marking definitions predefined by STIX 2.1 (every consumer knows it).</summary>
    public const string TlpWhite = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

    /// <param name="canonicalAddress">The engine's canonical text (IPv4 dotted quad, IPv6 RFC 5952).</param>
    /// <param name="generation">0 for the first listing; bumped each time the address is listed again after a revocation.</param>
    public static string Indicator(string canonicalAddress, int generation)
    {
        // The name ("ipv4:<address>", then ":g<generation>" after a relisting) is built on the stack: an id is derived for
        // every version written and every indicator looked up.
        Span<byte> name = stackalloc byte[5 + 45 + 12];
        var family = canonicalAddress.Contains(':', StringComparison.Ordinal) ? "ipv6:"u8 : "ipv4:"u8;
        family.CopyTo(name);
        var written = family.Length;
        if (canonicalAddress.Length > 45 || Ascii.FromUtf16(canonicalAddress, name[written..], out var address) != OperationStatus.Done)
        {
            throw new ArgumentException($"'{canonicalAddress}' is not a canonical address.", nameof(canonicalAddress));
        }

        written += address;
        if (generation != 0)
        {
            ":g"u8.CopyTo(name[written..]);
            written += 2;
            generation.TryFormat(name[written..], out var digits, default, CultureInfo.InvariantCulture);
            written += digits;
        }

        var uuid = StixUuid.Version5(PalisadeNamespace, name[..written]);
        return string.Create(IndicatorPrefix.Length + 36, uuid, static (chars, id) =>
        {
            IndicatorPrefix.CopyTo(chars);
            id.TryFormat(chars[IndicatorPrefix.Length..], out _, "D");
        });
    }

    private const string IndicatorPrefix = "indicator--";

    /// <summary>A TAXII collection id: stable across servers and restarts.</summary>
    public static string Collection(string alias) => StixUuid.Version5(PalisadeNamespace, "collection:" + alias).ToString("D");

    /// <summary>Whether a text is a STIX identifier shape: <c>type--uuid</c>.</summary>
    public static bool IsIdentifier(string text)
    {
        var separator = text.IndexOf("--", StringComparison.Ordinal);
        return separator > 0 && separator <= 250 && Guid.TryParseExact(text.AsSpan(separator + 2), "D", out _) && text[..separator].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }
}
