namespace Palisade.Server.Native.Contracts;

/// <summary>A recent community report as shown on a check (reporter identity is not disclosed).</summary>
public sealed record NativeReportSummary(string ReportedAt, IReadOnlyList<string> Categories, string? Protocol, int? Port, string? Comment, string Source);
