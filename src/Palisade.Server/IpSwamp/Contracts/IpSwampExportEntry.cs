using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>One address of IPSwamp's export in JSON (the layout <see cref="IpSwampExportJsonLayout"/> writes it; this
/// record describes it for the OpenAPI document).</summary>
/// <param name="Ip">The address.</param>
/// <param name="Score">Its score, 0–100.</param>
/// <param name="ThreatLevel">IPSwamp's level of that score.</param>
/// <param name="LastAttack">When it was last reported (RFC 3339).</param>
/// <param name="TotalHits">Sessions reported.</param>
/// <param name="CountryCode">ISO country code, when known.</param>
public sealed record IpSwampExportEntry(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("score")] int Score,
    [property: JsonPropertyName("threat_level")] string ThreatLevel,
    [property: JsonPropertyName("last_attack")] string LastAttack,
    [property: JsonPropertyName("total_hits")] long TotalHits,
    [property: JsonPropertyName("country_code")] string? CountryCode);
