using System.Net;

namespace Palisade.Core.Geo;

/// <summary>
/// Country and network of an address, shared by every API face (register once, inject everywhere).
/// </summary>
/// <remarks>
/// <para><see cref="Lookup"/> folds IPv4-mapped IPv6 to IPv4 first and returns null when the data knows nothing
/// (private ranges, no data installed). A face formats the ASN its own way: <see cref="GeoInfo.AsnNumber"/> ("13335",
/// SikkerAPI) or <see cref="GeoInfo.AsnLabel"/> ("AS13335", IPSwamp).</para>
/// <para>Lookups are thread-safe and allocate only the returned <see cref="GeoInfo"/>: names are shared strings.</para>
/// </remarks>
public interface IGeoLookup
{
    /// <summary>False when no geo data is installed: every lookup then returns null.</summary>
    bool IsAvailable { get; }

    /// <summary>What is loaded: sources and build dates (for /healthz and <c>palisade geo status</c>).</summary>
    GeoDataInfo Data { get; }

    GeoInfo? Lookup(IPAddress address);

    /// <summary>The organisation name of an AS, when the ASN data names it.</summary>
    string? AsName(uint asn);
}
