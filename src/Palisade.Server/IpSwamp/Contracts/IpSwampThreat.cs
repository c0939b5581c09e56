using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>One address's threat data in bulk and subnet answers (adds <c>threat_score</c> and <c>threat_level</c>).</summary>
public sealed record IpSwampThreat(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("threat_score")] double ThreatScore,
    [property: JsonPropertyName("threat_level")] string ThreatLevel,
    [property: JsonPropertyName("last_attack")] string LastAttack,
    [property: JsonPropertyName("ip_rep")] string IpRep,
    [property: JsonPropertyName("total_hits")] long TotalHits,
    [property: JsonPropertyName("score")] double Score);
