using System.Net;

namespace Palisade.Core.Geo;

/// <summary>No geo data installed: every lookup is unknown.</summary>
public sealed class EmptyGeoLookup(string? directory = null) : IGeoLookup
{
    public bool IsAvailable => false;

    public GeoDataInfo Data { get; } = new(directory, []);

    public GeoInfo? Lookup(IPAddress address) => null;

    public string? AsName(uint asn) => null;
}
