using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// <c>POST /v1/key/report</c>: <c>{"success":true,"status":"accepted"|"duplicate",…}</c> with 200; on refusal
/// <c>{"success":false,"error":"…"}</c> with a 4xx.
/// </summary>
/// <param name="Success">Whether the report was taken.</param>
public sealed record NativeReportResponse(bool Success)
{
    /// <summary><c>accepted</c> or <c>duplicate</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    /// <summary>The stored report's id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Id { get; init; }

    /// <summary>The address as stored (canonical form).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ip { get; init; }

    /// <summary>The address's score after the report.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ConfidenceLevel { get; init; }

    /// <summary>For a duplicate: when the report it duplicates was counted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CountedAt { get; init; }

    /// <summary>For a duplicate: the window within which repeats are not counted again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DuplicateWindowSeconds { get; init; }

    /// <summary>Why the report was refused.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
