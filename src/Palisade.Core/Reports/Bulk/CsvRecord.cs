namespace Palisade.Core.Reports.Bulk;

/// <summary>One CSV record: the line it starts on (1-based, as an editor counts), its fields, or why it is malformed.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Error)
{
    /// <summary>An empty line, or one holding only spaces and tabs.</summary>
    public bool IsBlank => Error is null && Fields.Count == 1 && string.IsNullOrWhiteSpace(Fields[0]);
}
