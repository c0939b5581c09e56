using System.Collections.Concurrent;
using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// Single-node quota counters held in memory and updated with compare-and-swap, so charging costs no database write.
/// <see cref="Snapshot"/> hands dirty counters to a flusher that persists them (every second by default): a crash
/// can forget at most the charges of the last flush interval, never grant a fresh quota.
/// </summary>
public sealed class InMemoryQuotaCounter : IQuotaCounter, IQuotaJournal
{
    private sealed class Cell
    {
        public long Used;
        public int Dirty;
    }

    private readonly ConcurrentDictionary<(long KeyId, QuotaFamily Family, int Day), Cell> _cells = new();

    public void Load(IEnumerable<QuotaUsage> usages)
    {
        foreach (var usage in usages)
        {
            var cell = _cells.GetOrAdd((usage.KeyId, usage.Family, usage.Day), _ => new Cell());
            // Never go below what this process already counted.
            long current;
            do
            {
                current = Volatile.Read(ref cell.Used);
                if (current >= usage.Used)
                {
                    break;
                }
            }
            while (Interlocked.CompareExchange(ref cell.Used, usage.Used, current) != current);
        }
    }

    public ValueTask<QuotaDecision> TryConsumeAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(keyId, family, units, limit, now, partial: false));

    public ValueTask<QuotaDecision> ConsumeUpToAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(keyId, family, units, limit, now, partial: true));

    public ValueTask RefundAsync(long keyId, QuotaFamily family, long units, DateTimeOffset now)
    {
        if (units > 0 && _cells.TryGetValue((keyId, family, QuotaDay.Of(now)), out var cell))
        {
            long current;
            do
            {
                current = Volatile.Read(ref cell.Used);
            }
            while (Interlocked.CompareExchange(ref cell.Used, Math.Max(0, current - units), current) != current);
            Volatile.Write(ref cell.Dirty, 1);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<QuotaDecision> PeekAsync(long keyId, QuotaFamily family, long? limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(keyId, family, 0, limit, now, partial: false));

    /// <summary>Counters changed since the last snapshot (and marks them clean). Today's and older days alike.</summary>
    public IReadOnlyList<QuotaUsage> Snapshot(bool onlyDirty = true)
    {
        var result = new List<QuotaUsage>();
        foreach (var (key, cell) in _cells)
        {
            if (!onlyDirty || Interlocked.Exchange(ref cell.Dirty, 0) == 1)
            {
                result.Add(new QuotaUsage(key.KeyId, key.Family, key.Day, Volatile.Read(ref cell.Used)));
            }
        }

        return result;
    }

    /// <summary>Marks counters dirty again after a failed flush.</summary>
    public void MarkDirty(IEnumerable<QuotaUsage> usages)
    {
        foreach (var usage in usages)
        {
            if (_cells.TryGetValue((usage.KeyId, usage.Family, usage.Day), out var cell))
            {
                Volatile.Write(ref cell.Dirty, 1);
            }
        }
    }

    /// <summary>Drops counters of days before <paramref name="day"/> that have been persisted.</summary>
    public void ForgetBefore(int day)
    {
        foreach (var (key, cell) in _cells)
        {
            if (key.Day < day && Volatile.Read(ref cell.Dirty) == 0)
            {
                _cells.TryRemove(key, out _);
            }
        }
    }

    private QuotaDecision Charge(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now, bool partial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        var reset = QuotaDay.NextReset(now);
        var cell = _cells.GetOrAdd((keyId, family, QuotaDay.Of(now)), _ => new Cell());
        while (true)
        {
            var used = Volatile.Read(ref cell.Used);
            var granted = units;
            if (limit is { } max)
            {
                var remaining = Math.Max(0, max - used);
                if (units > remaining)
                {
                    granted = partial ? remaining : 0;
                }
            }

            if (granted == 0)
            {
                return new QuotaDecision(family, units, 0, used, limit, reset);
            }

            if (Interlocked.CompareExchange(ref cell.Used, used + granted, used) == used)
            {
                Volatile.Write(ref cell.Dirty, 1);
                return new QuotaDecision(family, units, granted, used + granted, limit, reset);
            }
        }
    }
}
