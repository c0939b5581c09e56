using System.Text.Json.Serialization;

namespace Palisade.Server.CrowdSec.Contracts;

/// <summary>LAPI's error body: <c>{"message":"access forbidden"}</c>.</summary>
public sealed record CrowdSecMessage([property: JsonPropertyName("message")] string Message);
