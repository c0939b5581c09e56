using System.Collections.Concurrent;
using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// The counters a node knows, by key, family and UTC day, and the journal over them that a flusher persists
/// (<see cref="IQuotaJournal"/>). The in-process counter charges these cells directly; the Redis counter keeps in them
/// the last value Redis returned.
/// </summary>
public sealed class QuotaCells : IQuotaJournal
{
    private readonly ConcurrentDictionary<(long KeyId, QuotaFamily Family, int Day), QuotaCell> _cells = new();

    public QuotaCell GetOrAdd(long keyId, QuotaFamily family, int day) => _cells.GetOrAdd((keyId, family, day), static _ => new QuotaCell());

    public QuotaCell? Find(long keyId, QuotaFamily family, int day) => _cells.GetValueOrDefault((keyId, family, day));

    /// <summary>Loads persisted counters, never going below what this process already counted.</summary>
    public void Load(IEnumerable<QuotaUsage> usages)
    {
        foreach (var usage in usages)
        {
            GetOrAdd(usage.KeyId, usage.Family, usage.Day).Raise(usage.Used);
        }
    }

    public IReadOnlyList<QuotaUsage> Snapshot(bool onlyDirty = true)
    {
        var result = new List<QuotaUsage>();
        foreach (var (key, cell) in _cells)
        {
            if (!onlyDirty || cell.TakeDirty())
            {
                result.Add(new QuotaUsage(key.KeyId, key.Family, key.Day, cell.Used));
            }
        }

        return result;
    }

    public void MarkDirty(IEnumerable<QuotaUsage> usages)
    {
        foreach (var usage in usages)
        {
            Find(usage.KeyId, usage.Family, usage.Day)?.MarkDirty();
        }
    }

    public void ForgetBefore(int day)
    {
        foreach (var (key, cell) in _cells)
        {
            if (key.Day < day && !cell.IsDirty)
            {
                _cells.TryRemove(key, out _);
            }
        }
    }
}
