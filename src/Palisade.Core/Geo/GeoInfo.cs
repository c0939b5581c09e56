using System.Globalization;

namespace Palisade.Core.Geo;

/// <summary>What the geo data says about one address. Any part may be unknown (null).</summary>
public sealed record GeoInfo(
    string? CountryCode,
    string? CountryName,
    string? ContinentCode,
    string? ContinentName,
    uint? Asn,
    string? AsName,
    string? AsDomain)
{
    /// <summary>The ASN as a number in a string ("13335"), as SikkerAPI sends it.</summary>
    public string? AsnNumber => Asn?.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ASN with its prefix ("AS13335"), as IPSwamp and most people write it.</summary>
    public string? AsnLabel => Asn is { } asn ? "AS" + asn.ToString(CultureInfo.InvariantCulture) : null;
}
