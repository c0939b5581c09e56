using System.Collections;

namespace Palisade.Core.Reputation;

/// <summary>
/// An address's facts, held in the entry itself: the first fact inline, the others in an array. Most addresses of a
/// community list are reported once: their one fact costs no array (an array of one was 72 bytes beside the 48-byte
/// fact, and an object more to allocate and read back at start-up); an address with more facts holds the same bytes as
/// one array of all of them. A mutable struct: use it only as the entry's field (never copy it to change it), under the
/// entry's lock.
/// </summary>
internal struct FactList : IEnumerable<ReportFact>
{
    private ReportFact _first;
    private ReportFact[]? _rest; // facts 2..Count, oldest first; null until a second fact
    private int _count;

    /// <summary>The entry's count of retained reports (<see cref="AddressReputation.TotalReports"/>), kept here because
    /// the struct's size is rounded up to 8 bytes: these 4 bytes would be padding otherwise (one entry per address, so
    /// 4 bytes here and there are 8 bytes less per entry).</summary>
    internal int Reports;

    /// <param name="capacity">Facts expected (a snapshot read knows them): the array is sized once.</param>
    public FactList(int capacity) => _rest = capacity > 1 ? new ReportFact[capacity - 1] : null;

    public readonly int Count => _count;

    public readonly ReportFact this[int index]
        => (uint)index >= (uint)_count ? throw new ArgumentOutOfRangeException(nameof(index)) : index == 0 ? _first : _rest![index - 1];

    public void Add(in ReportFact fact)
    {
        if (_count == 0)
        {
            _first = fact;
            _count = 1;
            return;
        }

        var rest = _count - 1;
        if (_rest is null || rest == _rest.Length)
        {
            // Grows by half of all facts (at least one): most addresses keep one or a few, and these are most of their memory.
            Array.Resize(ref _rest, Math.Max(_count + 1, _count + (_count >> 1)) - 1);
        }

        _rest[rest] = fact;
        _count++;
    }

    /// <summary>Drops every fact and the array holding them.</summary>
    public void Clear()
    {
        _first = default;
        _rest = null;
        _count = 0;
    }

    /// <summary>Removes the facts that match, keeping the others in order; returns how many were removed.</summary>
    public int RemoveAll(Predicate<ReportFact> match)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var fact = this[i];
            if (!match(fact))
            {
                Set(kept++, fact);
            }
        }

        var removed = _count - kept;
        if (removed > 0)
        {
            if (kept == 0)
            {
                Clear();
            }
            else if (kept == 1)
            {
                _rest = null;
                _count = 1;
            }
            else
            {
                Array.Clear(_rest!, kept - 1, removed);
                _count = kept;
            }
        }

        return removed;
    }

    public readonly bool Exists(Predicate<ReportFact> match)
    {
        foreach (var fact in this)
        {
            if (match(fact))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The facts in order, as a new array.</summary>
    public readonly ReportFact[] ToArray()
    {
        var facts = new ReportFact[_count];
        for (var i = 0; i < _count; i++)
        {
            facts[i] = this[i];
        }

        return facts;
    }

    private void Set(int index, in ReportFact fact)
    {
        if (index == 0)
        {
            _first = fact;
        }
        else
        {
            _rest![index - 1] = fact;
        }
    }

    /// <summary>Enumerates oldest first without allocating (<c>foreach</c> binds to this); valid until the list next
    /// changes.</summary>
    public readonly Enumerator GetEnumerator() => new(this);

    readonly IEnumerator<ReportFact> IEnumerable<ReportFact>.GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    readonly IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<ReportFact>)this).GetEnumerator();

    /// <summary>The facts in order: the inline one, then the array's.</summary>
    public struct Enumerator(in FactList list)
    {
        private readonly ReportFact _first = list._first;
        private readonly ReportFact[]? _rest = list._rest;
        private readonly int _count = list._count;
        private int _index = -1;

        public readonly ReportFact Current => _index == 0 ? _first : _rest![_index - 1];

        public bool MoveNext() => ++_index < _count;
    }
}
