using System.Text.Json.Serialization;

namespace Palisade.Server.CrowdSec.Contracts;

/// <summary>A LAPI decision as CrowdSec's bouncers decode it: <c>duration</c> is a Go duration ("719h59m59s").</summary>
public sealed record CrowdSecDecision(
    [property: JsonPropertyName("duration")] string Duration,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("simulated")] bool Simulated);
