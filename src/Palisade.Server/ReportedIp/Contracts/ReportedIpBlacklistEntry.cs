using System.Text.Json.Serialization;

namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>One address of ReportedIP's blacklist (the layout <see cref="ReportedIpBlacklistLayout"/> writes it; this
/// record describes it for the OpenAPI document).</summary>
/// <param name="Ip">The address.</param>
/// <param name="Confidence">Its score, 0–100.</param>
/// <param name="Categories">ReportedIP's category ids.</param>
/// <param name="LastReported">When it was last reported (RFC 3339).</param>
public sealed record ReportedIpBlacklistEntry(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("confidence")] int Confidence,
    [property: JsonPropertyName("categories")] IReadOnlyList<int> Categories,
    [property: JsonPropertyName("last_reported")] string LastReported);
