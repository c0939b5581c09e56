using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>Counts over a subnet: <c>malicious</c> are known addresses scoring 50 or more.</summary>
public sealed record IpSwampSubnetSummary(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("malicious")] int Malicious,
    [property: JsonPropertyName("clean")] long Clean,
    [property: JsonPropertyName("average_score")] double AverageScore,
    [property: JsonPropertyName("found_count")] int FoundCount);
