using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>The <c>details</c> object; <c>ip_rep</c> is absent for whitelisted addresses, as in IPSwamp's example.</summary>
public sealed record IpSwampDetails(
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("last_attack")] string LastAttack,
    [property: JsonPropertyName("ip_rep"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IpRep,
    [property: JsonPropertyName("total_hits")] long TotalHits);
