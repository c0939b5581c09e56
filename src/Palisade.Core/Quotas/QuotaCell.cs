namespace Palisade.Core.Quotas;

/// <summary>One counter (key × family × day) updated lock-free, with a "changed since the last flush" mark.</summary>
public sealed class QuotaCell
{
    private long _used;
    private int _dirty;

    public long Used => Volatile.Read(ref _used);

    /// <summary>Moves the count from <paramref name="expected"/> to <paramref name="next"/> unless another thread got there first.</summary>
    public bool TryAdvance(long expected, long next)
    {
        if (Interlocked.CompareExchange(ref _used, next, expected) != expected)
        {
            return false;
        }

        MarkDirty();
        return true;
    }

    /// <summary>Raises the count to at least <paramref name="value"/> (never lowers it).</summary>
    public bool Raise(long value)
    {
        long current;
        do
        {
            current = Used;
            if (current >= value)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _used, value, current) != current);
        return true;
    }

    /// <summary>Sets the count, marking it changed.</summary>
    public void Set(long value)
    {
        Volatile.Write(ref _used, value);
        MarkDirty();
    }

    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>True when the count changed since the last call (and clears the mark).</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref _dirty, 0) == 1;

    public bool IsDirty => Volatile.Read(ref _dirty) == 1;
}
