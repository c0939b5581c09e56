using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// <c>POST /v1/key/report</c>: <c>{"success":true,"status":"accepted"|"duplicate",…}</c> with 200; on refusal
/// <c>{"success":false,"error":"…"}</c> with a 4xx.
/// </summary>
public sealed record NativeReportResponse(bool Success)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ip { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ConfidenceLevel { get; init; }

    /// <summary>For a duplicate: when the report it duplicates was counted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CountedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DuplicateWindowSeconds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
