using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary><c>GET /api/v1/account</c>: free of charge (<c>counts_toward_quota:false</c>).</summary>
public sealed record IpSwampAccountResponse(
    [property: JsonPropertyName("counts_toward_quota")] bool CountsTowardQuota,
    [property: JsonPropertyName("request_cost")] int RequestCost,
    [property: JsonPropertyName("organization_id")] string OrganizationId,
    [property: JsonPropertyName("api_key")] IpSwampKeyInfo ApiKey,
    [property: JsonPropertyName("organization_quota")] IpSwampOrganizationQuota OrganizationQuota);
