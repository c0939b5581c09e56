using System.Collections;

namespace Palisade.Core.Reputation;

/// <summary>
/// An address's facts: an array and a count held in the entry itself. A million addresses each held a
/// <see cref="List{T}"/> object (32 bytes) around an array of one; this is the array alone. A mutable struct: use it
/// only as the entry's field (never copy it to change it), under the entry's lock like the list before it.
/// </summary>
internal struct FactList(int capacity) : IEnumerable<ReportFact>
{
    private ReportFact[] _items = capacity > 0 ? new ReportFact[capacity] : [];
    private int _count;

    public readonly int Count => _count;

    public readonly ReportFact this[int index] => (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The facts, oldest first (valid until the list next changes).</summary>
    public readonly ReadOnlySpan<ReportFact> AsSpan() => new(_items, 0, _count);

    public void Add(in ReportFact fact)
    {
        if (_items is null || _count == _items.Length)
        {
            // Grows by half (at least one): most addresses keep one or a few facts, and the array is most of their memory.
            Array.Resize(ref _items, Math.Max(_count + 1, _count + (_count >> 1)));
        }

        _items[_count++] = fact;
    }

    /// <summary>Drops every fact and the array holding them.</summary>
    public void Clear()
    {
        _items = [];
        _count = 0;
    }

    /// <summary>Removes the facts that match, keeping the others in order; returns how many were removed.</summary>
    public int RemoveAll(Predicate<ReportFact> match)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!match(_items[i]))
            {
                _items[kept++] = _items[i];
            }
        }

        var removed = _count - kept;
        if (removed > 0)
        {
            if (kept == 0)
            {
                Clear();
            }
            else
            {
                Array.Clear(_items, kept, removed);
                _count = kept;
            }
        }

        return removed;
    }

    public readonly bool Exists(Predicate<ReportFact> match)
    {
        foreach (var fact in AsSpan())
        {
            if (match(fact))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Enumerates without allocating (<c>foreach</c> binds to this).</summary>
    public readonly ReadOnlySpan<ReportFact>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    readonly IEnumerator<ReportFact> IEnumerable<ReportFact>.GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _items[i];
        }
    }

    readonly IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<ReportFact>)this).GetEnumerator();
}
