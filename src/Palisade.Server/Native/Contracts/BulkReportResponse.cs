using System.Text.Json.Serialization;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// <c>POST /v1/key/bulk-report</c>: <c>{"total","accepted","rejected","errors":[…]}</c> as SikkerAPI's client decodes
/// it, plus <c>duplicates</c> (included in <c>accepted</c>) and, on a 429, <c>error</c>.
/// </summary>
public sealed record BulkReportResponse(int Total, int Accepted, int Rejected, int Duplicates, IReadOnlyList<BulkReportError> Errors)
{
    /// <summary>On a 429: why nothing more was taken.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
