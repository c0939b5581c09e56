namespace Palisade.Core.Quotas;

/// <summary>
/// The part of a quota counter that a flusher persists: counters changed since the last flush. The store copy is what
/// survives a restart (of the node, or of Redis).
/// </summary>
public interface IQuotaJournal
{
    void Load(IEnumerable<QuotaUsage> usages);

    /// <summary>Counters changed since the last snapshot (marks them clean).</summary>
    IReadOnlyList<QuotaUsage> Snapshot(bool onlyDirty = true);

    /// <summary>Marks counters dirty again after a failed flush.</summary>
    void MarkDirty(IEnumerable<QuotaUsage> usages);

    /// <summary>Drops persisted counters of days before <paramref name="day"/>.</summary>
    void ForgetBefore(int day);
}
