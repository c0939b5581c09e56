using System.Text.Json.Serialization;

namespace Palisade.Server.CrowdSec.Contracts;

/// <summary><c>GET /v1/decisions/stream</c>: decisions to add and to remove; each is null when empty, as LAPI answers.</summary>
public sealed record CrowdSecStream(
    [property: JsonPropertyName("new")] IReadOnlyList<CrowdSecDecision>? New,
    [property: JsonPropertyName("deleted")] IReadOnlyList<CrowdSecDecision>? Deleted);
