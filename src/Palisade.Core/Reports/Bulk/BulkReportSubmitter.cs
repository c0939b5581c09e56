using Palisade.Core.Keys;

namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// Submits the good rows of an upload through the report service in ONE call — one quota charge, one transaction,
/// so the upload is stored whole or not at all — and merges the service's per-report answers with the rows that
/// could not be parsed, in row order.
/// </summary>
public static class BulkReportSubmitter
{
    public static async Task<BulkReportOutcome> SubmitAsync(ReportService reports, AuthenticatedKey reporter, IReadOnlyList<BulkRow> rows, CancellationToken cancellationToken)
    {
        var submissions = new List<ReportSubmission>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Submission is not null)
            {
                submissions.Add(row.Submission);
            }
        }

        var batch = await reports.SubmitAsync(reporter, submissions, scoreResults: false, cancellationToken);
        var errors = new List<BulkRowError>();
        int accepted = 0, duplicates = 0, quotaRejected = 0;
        var next = 0;
        foreach (var row in rows)
        {
            if (row.Submission is null)
            {
                errors.Add(new BulkRowError(row.Row, row.Ip, row.Error ?? "Invalid row."));
                continue;
            }

            var result = batch.Results[next++];
            switch (result.Outcome)
            {
                case ReportOutcomeKind.Accepted:
                    accepted++;
                    break;
                case ReportOutcomeKind.Duplicate:
                    accepted++;
                    duplicates++;
                    break;
                case ReportOutcomeKind.QuotaExceeded:
                    quotaRejected++;
                    errors.Add(new BulkRowError(row.Row, row.Ip, result.Error ?? "Daily report quota exhausted."));
                    break;
                default:
                    errors.Add(new BulkRowError(row.Row, row.Ip, result.Error ?? "Rejected."));
                    break;
            }
        }

        return new BulkReportOutcome(rows.Count, accepted, duplicates, rows.Count - accepted, quotaRejected, errors, batch.Quota);
    }
}
