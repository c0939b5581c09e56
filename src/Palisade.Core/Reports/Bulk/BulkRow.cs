namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// One data row of an upload: its number as the user counts it (the CSV line it starts on, header included; the
/// 1-based position in a JSON array), the address as written (shortened for echoing), and either the report it
/// asks for or why it cannot be one.
/// </summary>
public sealed record BulkRow(int Row, string Ip, ReportSubmission? Submission, string? Error);
