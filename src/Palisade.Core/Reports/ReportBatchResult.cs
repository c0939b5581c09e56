using Palisade.Core.Quotas;

namespace Palisade.Core.Reports;

/// <summary>Per-report results in submission order, and the report quota after the batch.</summary>
public sealed record ReportBatchResult(IReadOnlyList<ReportResult> Results, QuotaDecision Quota);
