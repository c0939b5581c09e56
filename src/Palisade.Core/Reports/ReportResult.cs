namespace Palisade.Core.Reports;

/// <summary>The engine's answer for one submitted report: outcome, the stored report (accepted) or the one it duplicates,
/// the address's score afterwards, and an error a person can act on (rejected).</summary>
public sealed record ReportResult(ReportOutcomeKind Outcome, string? Address, StoredReport? Report, int Score, string? Error)
{
    public static ReportResult Rejected(string? address, string error) => new(ReportOutcomeKind.Rejected, address, null, 0, error);
}
