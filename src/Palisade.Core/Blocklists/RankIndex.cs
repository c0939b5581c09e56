namespace Palisade.Core.Blocklists;

/// <summary>
/// The entries of a snapshot ranked by score (or raw score), highest first, ties by slot; with the number of entries
/// and the sum of their <see cref="BlocklistEntry.ContentHash"/> per score, so "how many score at least m" and the
/// entity tag of that list are answered without reading the list. Immutable; <see cref="Update"/> makes the next one.
/// </summary>
internal sealed class RankIndex
{
    private const int Scores = 101;

    private readonly int[] _counts;
    private readonly ulong[] _hashes;

    private RankIndex(SlotSequence order, int[] counts, ulong[] hashes, bool raw)
    {
        Order = order;
        _counts = counts;
        _hashes = hashes;
        Raw = raw;
    }

    public SlotSequence Order { get; }

    public bool Raw { get; }

    public int KeyOf(in BlocklistEntry entry) => Raw ? entry.RawScore : entry.Score;

    /// <summary>Entries with score (or raw score) <paramref name="score"/>.</summary>
    public int CountOf(int score) => _counts[score];

    /// <summary>Entries scoring at least <paramref name="minimum"/>: they are the first this many of <see cref="Order"/>.</summary>
    public int CountAtLeast(int minimum)
    {
        var total = 0;
        for (var s = Math.Max(0, minimum); s < Scores; s++)
        {
            total += _counts[s];
        }

        return total;
    }

    /// <summary>The sum of the content hashes of the entries scoring at least <paramref name="minimum"/>.</summary>
    public ulong HashAtLeast(int minimum)
    {
        ulong total = 0;
        for (var s = Math.Max(0, minimum); s < Scores; s++)
        {
            total += _hashes[s];
        }

        return total;
    }

    /// <summary>Ranks every entry of the slot pages below <paramref name="limit"/> (a counting sort: scores are 0–100).</summary>
    public static RankIndex Build(BlocklistEntry[][] pages, int limit, bool raw)
    {
        var counts = new int[Scores];
        var hashes = new ulong[Scores];
        for (var slot = 0; slot < limit; slot++)
        {
            ref readonly var entry = ref pages[slot >> BlocklistSnapshot.PageBits][slot & (BlocklistSnapshot.PageSize - 1)];
            if (entry.HasAddress)
            {
                var key = raw ? entry.RawScore : entry.Score;
                counts[key]++;
                hashes[key] += entry.ContentHash;
            }
        }

        var next = new int[Scores];
        var total = 0;
        for (var s = Scores - 1; s >= 0; s--)
        {
            next[s] = total;
            total += counts[s];
        }

        var order = SlotSequence.Allocate(total);
        for (var slot = 0; slot < limit; slot++)
        {
            ref readonly var entry = ref pages[slot >> BlocklistSnapshot.PageBits][slot & (BlocklistSnapshot.PageSize - 1)];
            if (entry.HasAddress)
            {
                order.Set(next[raw ? entry.RawScore : entry.Score]++, slot);
            }
        }

        return new RankIndex(order, counts, hashes, raw);
    }

    /// <summary>
    /// The ranking after <paramref name="changes"/> (slot, entry before — null address if the slot was free — and
    /// after) applied to the snapshot this ranking belongs to. Ranking pages before the
    /// first moved position are shared; an entry whose score did not change keeps its position and costs nothing.
    /// </summary>
    public RankIndex Update(IReadOnlyList<(int Slot, BlocklistEntry Before, BlocklistEntry After)> changes)
    {
        var counts = (int[])_counts.Clone();
        var hashes = (ulong[])_hashes.Clone();
        var removals = new List<int>();
        var inserts = new List<(int Key, int Slot)>();
        foreach (var (slot, before, after) in changes)
        {
            var key = KeyOf(after);
            counts[key]++;
            hashes[key] += after.ContentHash;
            if (before.HasAddress)
            {
                var oldKey = KeyOf(before);
                counts[oldKey]--;
                hashes[oldKey] -= before.ContentHash;
                if (oldKey == key)
                {
                    continue;
                }

                removals.Add(LowerBound(oldKey, slot));
            }

            inserts.Add((key, slot));
        }

        if (removals.Count == 0 && inserts.Count == 0)
        {
            return new RankIndex(Order, counts, hashes, Raw);
        }

        removals.Sort();
        inserts.Sort(static (a, b) => a.Key != b.Key ? b.Key.CompareTo(a.Key) : a.Slot.CompareTo(b.Slot));
        var at = new int[inserts.Count];
        for (var i = 0; i < at.Length; i++)
        {
            at[i] = LowerBound(inserts[i].Key, inserts[i].Slot);
        }

        var first = Math.Min(removals.Count > 0 ? removals[0] : int.MaxValue, at.Length > 0 ? at[0] : int.MaxValue);
        var order = SlotSequence.Prefix(Order, first);
        int position = first, r = 0, n = 0;
        while (true)
        {
            var next = Math.Min(Order.Count, Math.Min(r < removals.Count ? removals[r] : int.MaxValue, n < at.Length ? at[n] : int.MaxValue));
            order.AddRange(Order, position, next);
            position = next;
            if (n < at.Length && at[n] == position)
            {
                order.Add(inserts[n++].Slot);
            }
            else if (r < removals.Count && removals[r] == position)
            {
                r++;
                position++;
            }
            else
            {
                break;
            }
        }

        return new RankIndex(order, counts, hashes, Raw);
    }

    /// <summary>The position in this ranking where (key, slot) is or would go: the entries of one score are contiguous
    /// and ordered by slot, so a binary search within that score's range.</summary>
    private int LowerBound(int key, int slot)
    {
        var start = 0;
        for (var s = Scores - 1; s > key; s--)
        {
            start += _counts[s];
        }

        int low = start, high = start + _counts[key];
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Order[middle] < slot)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
