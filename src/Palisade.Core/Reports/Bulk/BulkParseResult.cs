namespace Palisade.Core.Reports.Bulk;

/// <summary>The rows of an upload, or why the whole upload is refused (<see cref="Error"/> names the problem).</summary>
public sealed record BulkParseResult(IReadOnlyList<BulkRow> Rows, BulkParseFailure Failure, string? Error)
{
    public static BulkParseResult Parsed(IReadOnlyList<BulkRow> rows) => new(rows, BulkParseFailure.None, null);

    public static BulkParseResult Malformed(string error) => new([], BulkParseFailure.Malformed, error);

    public static BulkParseResult TooLarge(string error) => new([], BulkParseFailure.TooLarge, error);

    public static string TooManyRowsMessage => $"An upload holds at most {BulkLimits.MaxRows:N0} rows; split the file and send the rest in another request. Nothing was stored.";

    public static string TooManyBytesMessage => $"An upload is at most 2 MB ({BulkLimits.MaxFileBytes:N0} bytes); split the file and send the rest in another request. Nothing was stored.";
}
