using Palisade.Core.Quotas;

namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// What became of an upload. <see cref="Accepted"/> includes <see cref="Duplicates"/> (rows answered by a report
/// already counted in the duplicate window: accepted, stored once, not charged); <see cref="QuotaRejected"/> rows
/// are among <see cref="Rejected"/>, each with a quota error. <see cref="Quota"/> is the report quota afterwards.
/// </summary>
public sealed record BulkReportOutcome(
    int Total,
    int Accepted,
    int Duplicates,
    int Rejected,
    int QuotaRejected,
    IReadOnlyList<BulkRowError> Errors,
    QuotaDecision Quota);
