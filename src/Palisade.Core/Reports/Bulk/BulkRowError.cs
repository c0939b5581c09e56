namespace Palisade.Core.Reports.Bulk;

/// <summary>A row that was not stored: its number as the user counts it, the address as written, and why.</summary>
public sealed record BulkRowError(int Row, string Ip, string Error);
