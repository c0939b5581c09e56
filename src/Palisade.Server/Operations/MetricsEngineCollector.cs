using Palisade.Core.Blocklists;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Stix;

namespace Palisade.Server.Operations;

/// <summary>
/// Engine state read at scrape time from the components' own running totals: nothing is counted twice, and the
/// request paths pay nothing for it.
/// </summary>
public sealed class MetricsEngineCollector(ReputationIndex index, ReportService reports, RetentionJob retention, BlocklistEngine blocklists,
    StixPublisher taxii)
{
    private static readonly string[] OutcomeLabel = ["outcome"];
    private static readonly string[] KindLabel = ["kind"];
    private static readonly string[] StepLabel = ["step"];

    private static readonly (ReportOutcomeKind Outcome, string Label)[] Outcomes =
    [
        (ReportOutcomeKind.Accepted, "accepted"),
        (ReportOutcomeKind.Duplicate, "duplicate"),
        (ReportOutcomeKind.Rejected, "rejected"),
        (ReportOutcomeKind.QuotaExceeded, "quota_exceeded"),
    ];

    public void WriteTo(MetricsTextWriter writer)
    {
        writer.Family("palisade_reputation_addresses", "gauge", "Addresses in the in-memory reputation index.");
        writer.Sample("palisade_reputation_addresses", index.Count);
        writer.Family("palisade_reputation_data_version", "gauge",
            "Version of the reputation data; it changes whenever reports, purges or the whitelist change it.");
        writer.Sample("palisade_reputation_data_version", index.Version);

        writer.Family("palisade_reports_total", "counter",
            "Submitted reports by outcome: accepted, duplicate (same key, address and category within 15 minutes), rejected as invalid, over the report quota.");
        foreach (var (outcome, label) in Outcomes)
        {
            writer.Sample("palisade_reports_total", OutcomeLabel, [label], null, reports.OutcomeCount(outcome));
        }

        writer.Family("palisade_report_commits_total", "counter",
            "Store transactions that committed reports; concurrent reports share one (group commit), so accepted reports per commit is the group size.");
        writer.Sample("palisade_report_commits_total", reports.Commits);
        writer.Family("palisade_report_pending", "gauge", "Report submissions waiting for their group commit (queued or in the transaction in flight).");
        writer.Sample("palisade_report_pending", reports.Pending);
        writer.Family("palisade_report_followup_failures_total", "counter",
            "Work after a commit that failed (the reports stay stored): publish = telling other nodes (they catch up from the store), observer = alert matching.");
        writer.Sample("palisade_report_followup_failures_total", StepLabel, ["publish"], null, reports.PublishFailures);
        writer.Sample("palisade_report_followup_failures_total", StepLabel, ["observer"], null, reports.ObserverFailures);

        writer.Family("palisade_retention_runs_total", "counter", "Retention purges completed.");
        writer.Sample("palisade_retention_runs_total", retention.Runs);
        writer.Family("palisade_retention_reports_deleted_total", "counter", "Reports deleted by retention purges.");
        writer.Sample("palisade_retention_reports_deleted_total", retention.ReportsDeleted);
        writer.Family("palisade_retention_addresses_dropped_total", "counter", "Inactive addresses dropped by retention purges.");
        writer.Sample("palisade_retention_addresses_dropped_total", retention.AddressesDropped);

        var snapshot = blocklists.Latest;
        writer.Family("palisade_blocklist_snapshot_generation", "gauge",
            "Generation of the current blocklist snapshot; every build adds one (0 before the first list is asked for).");
        writer.Sample("palisade_blocklist_snapshot_generation", snapshot?.Generation ?? 0);
        writer.Family("palisade_blocklist_snapshot_entries", "gauge", "Addresses in the current blocklist snapshot.");
        writer.Sample("palisade_blocklist_snapshot_entries", snapshot?.Count ?? 0);
        writer.Family("palisade_blocklist_builds_total", "counter",
            "Blocklist snapshots built: full (every address) or incremental (only the addresses with new reports).");
        writer.Sample("palisade_blocklist_builds_total", KindLabel, ["full"], null, blocklists.FullBuilds);
        writer.Sample("palisade_blocklist_builds_total", KindLabel, ["incremental"], null, blocklists.IncrementalBuilds);

        writer.Family("palisade_taxii_indicator_versions_published_total", "counter",
            "STIX indicator versions (new, updated or revoked) this node wrote to the TAXII collections.");
        writer.Sample("palisade_taxii_indicator_versions_published_total", taxii.IndicatorVersionsPublished);
        writer.Family("palisade_taxii_indicators", "gauge", "STIX indicators ever published (current and revoked).");
        writer.Sample("palisade_taxii_indicators", taxii.IndicatorCount);
        writer.Family("palisade_taxii_rescans_total", "counter",
            "Rescans of every address for the TAXII feed (score decay, expiry, whitelist changes) this node completed.");
        writer.Sample("palisade_taxii_rescans_total", taxii.Rescans);
        writer.Family("palisade_taxii_last_rescan_seconds", "gauge",
            "Wall time of the last completed rescan; it must stay well below Palisade:Taxii:RescanInterval.");
        writer.Sample("palisade_taxii_last_rescan_seconds", taxii.LastRescanDuration.TotalSeconds);
        writer.Family("palisade_taxii_publishing", "gauge", "1 while this node writes the TAXII version log, 0 while it follows another node.");
        writer.Sample("palisade_taxii_publishing", taxii.IsPublishing ? 1 : 0);
    }
}
