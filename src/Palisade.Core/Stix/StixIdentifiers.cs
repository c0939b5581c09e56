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
        var family = canonicalAddress.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ipv4";
        var name = generation == 0 ? $"{family}:{canonicalAddress}" : $"{family}:{canonicalAddress}:g{generation}";
        return "indicator--" + StixUuid.Version5(PalisadeNamespace, name).ToString("D");
    }

    /// <summary>A TAXII collection id: stable across servers and restarts.</summary>
    public static string Collection(string alias) => StixUuid.Version5(PalisadeNamespace, "collection:" + alias).ToString("D");

    /// <summary>Whether a text is a STIX identifier shape: <c>type--uuid</c>.</summary>
    public static bool IsIdentifier(string text)
    {
        var separator = text.IndexOf("--", StringComparison.Ordinal);
        return separator > 0 && separator <= 250 && Guid.TryParseExact(text.AsSpan(separator + 2), "D", out _) && text[..separator].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }
}
