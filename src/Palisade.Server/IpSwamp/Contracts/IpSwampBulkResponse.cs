using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary><c>POST /api/v1/checkIP/bulk</c>.</summary>
public sealed record IpSwampBulkResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<IpSwampBulkItem> Results,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("successful")] int Successful,
    [property: JsonPropertyName("failed")] int Failed);
