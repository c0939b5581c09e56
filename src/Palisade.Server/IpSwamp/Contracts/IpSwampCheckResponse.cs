using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary><c>GET /api/v1/checkIP</c>, exactly as IPSwamp's document shows it; <c>description</c> names the whitelist
/// entry of a whitelisted address.</summary>
public sealed record IpSwampCheckResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    [property: JsonPropertyName("details")] IpSwampDetails Details,
    [property: JsonPropertyName("ipInfo")] IpSwampIpInfo IpInfo);
