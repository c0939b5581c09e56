namespace Palisade.Core.Reports;

/// <summary>What happened to one submitted report.</summary>
public enum ReportOutcomeKind
{
    Accepted,
    Duplicate,
    Rejected,
    QuotaExceeded,
}
