using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>A key as <c>test-key</c> and <c>account</c> describe it; <c>max_api_requests</c> is null when unlimited.</summary>
public sealed record IpSwampKeyInfo(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("current_usage")] long CurrentUsage,
    [property: JsonPropertyName("max_api_requests")] long? MaxApiRequests,
    [property: JsonPropertyName("created_at")] string CreatedAt);
