using Palisade.Core.Reports;
using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// Everything the engine knows about one address, held in memory and guarded by its own lock. The store holds the
/// same data durably; this is rebuilt from it on start.
/// </summary>
public sealed class AddressReputation(string address)
{
    internal const int RecentReportsKept = 10;

    internal readonly Lock Gate = new();
    internal readonly List<ReportFact> Facts = [];
    internal readonly List<StoredReport> Recent = [];
    internal ScoreBreakdown? CachedScore;
    internal DateTimeOffset CachedAt;
    internal long CachedWhitelistVersion = -1;

    // The described check answer (ReputationIndex.Check), valid while CachedScore is the breakdown it was built on.
    internal CheckResult? CachedCheck;
    internal long CachedCheckWhitelistVersion = -1;

    // The compact score (ReputationIndex.ScoreValue, for blocklists): two numbers instead of a breakdown per address.
    // Valid while CachedCompactWhitelistVersion is the whitelist's version; new evidence or a purge resets it to -1.
    internal CompactScore CachedCompact;
    internal long CachedCompactAtTicks;
    internal long CachedCompactWhitelistVersion = -1;

    // The address's slot in the blocklist snapshots (BlocklistEngine), -1 until a build gives it one: a live lookup reads
    // the entry at that slot instead of searching a list. Written under the engine's build lock.
    internal int BlocklistSlot = -1;

    public string Address { get; } = address;

    public DateTimeOffset FirstSeen { get; internal set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset LastSeen { get; internal set; } = DateTimeOffset.MinValue;

    /// <summary>Reports received for this address that are still retained.</summary>
    public long TotalReports { get; internal set; }

    internal void Add(StoredReport report)
    {
        foreach (var category in report.Categories)
        {
            Facts.Add(new ReportFact(report.Id, report.KeyId, report.Kind, report.Trust, category, report.Protocol, report.Port,
                report.Username, report.ReportedAt, report.Source, report.Email));
        }

        TotalReports++;
        if (report.ReportedAt < FirstSeen)
        {
            FirstSeen = report.ReportedAt;
        }

        if (report.ReportedAt > LastSeen)
        {
            LastSeen = report.ReportedAt;
        }

        Recent.Add(report);
        if (Recent.Count > RecentReportsKept)
        {
            Recent.RemoveAt(0);
        }

        CachedScore = null;
        CachedCompactWhitelistVersion = -1;
    }
}
