using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>Geolocation as SikkerAPI's client decodes it; <c>asn</c> is a number in a string.</summary>
public sealed record NativeGeolocation(string? CountryCode, string? CountryName, string? City, string? Asn, string? AsnOrg, bool IsTor, bool IsProxy)
{
    /// <summary>Two-letter continent code.</summary>
    public string? ContinentCode { get; init; }

    /// <summary>Continent name.</summary>
    public string? ContinentName { get; init; }

    /// <summary>The AS operator's domain, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AsDomain { get; init; }
}
