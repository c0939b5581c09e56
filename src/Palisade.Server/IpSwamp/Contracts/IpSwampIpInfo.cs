using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>The <c>ipInfo</c> object; each part is null while no geo data is installed or the data does not know it.</summary>
public sealed record IpSwampIpInfo(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("asn")] string? Asn,
    [property: JsonPropertyName("as_name")] string? AsName,
    [property: JsonPropertyName("as_domain")] string? AsDomain,
    [property: JsonPropertyName("country_code")] string? CountryCode,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("continent_code")] string? ContinentCode,
    [property: JsonPropertyName("continent")] string? Continent);
