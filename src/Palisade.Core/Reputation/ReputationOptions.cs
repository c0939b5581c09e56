namespace Palisade.Core.Reputation;

/// <summary>Retention (SPEC §1.4) and score caching.</summary>
public sealed class ReputationOptions
{
    /// <summary>Raw reports and observations are deleted this many days after they happened.</summary>
    public int ReportRetentionDays { get; set; } = 30;

    /// <summary>An address with no activity for this many days is dropped entirely.</summary>
    public int ReputationRetentionDays { get; set; } = 30;

    /// <summary>With decay on, a cached score is recomputed when older than this, so it follows the clock.</summary>
    public TimeSpan ScoreRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the index is written to its snapshot file (<c>index.snapshot</c> in the data directory) when it
    /// changed, and at shutdown: a restart reads it back and replays only the reports stored after it. Zero: no snapshot
    /// is written or read, every start loads every report from the store.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(10);
}
