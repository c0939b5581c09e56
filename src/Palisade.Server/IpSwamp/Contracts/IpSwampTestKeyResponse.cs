using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary><c>GET /api/v1/test-key</c>.</summary>
public sealed record IpSwampTestKeyResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("organization_id")] string OrganizationId,
    [property: JsonPropertyName("api_key_info")] IpSwampKeyInfo ApiKeyInfo);
