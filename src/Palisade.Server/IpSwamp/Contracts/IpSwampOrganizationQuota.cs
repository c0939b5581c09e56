using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>Quota of the "organization". A Palisade key is its own organization, so these mirror the key's check quota.</summary>
public sealed record IpSwampOrganizationQuota(
    [property: JsonPropertyName("total_usage")] long TotalUsage,
    [property: JsonPropertyName("total_quota")] long? TotalQuota,
    [property: JsonPropertyName("current_usage")] long CurrentUsage,
    [property: JsonPropertyName("max_api_requests")] long? MaxApiRequests,
    [property: JsonPropertyName("allocated_api_key_quota")] long? AllocatedApiKeyQuota,
    [property: JsonPropertyName("available_api_key_quota")] long? AvailableApiKeyQuota,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("unlimited")] bool Unlimited);
