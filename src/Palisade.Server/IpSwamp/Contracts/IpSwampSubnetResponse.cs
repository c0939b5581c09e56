using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary><c>GET /api/v1/checkSubnet</c>: the subnet's bounds, its known addresses only, and a summary.</summary>
public sealed record IpSwampSubnetResponse(
    [property: JsonPropertyName("cidr")] string Cidr,
    [property: JsonPropertyName("network")] string Network,
    [property: JsonPropertyName("broadcast")] string Broadcast,
    [property: JsonPropertyName("total_ips")] long TotalIps,
    [property: JsonPropertyName("results")] IReadOnlyList<IpSwampThreat> Results,
    [property: JsonPropertyName("summary")] IpSwampSubnetSummary Summary);
