using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>One entry of a bulk answer: the data, or null and an error.</summary>
public sealed record IpSwampBulkItem(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("data")] IpSwampThreat? Data,
    [property: JsonPropertyName("error")] string? Error);
