using System.Collections;
using System.Globalization;

namespace Palisade.Core.Blocklists;

/// <summary>
/// The entries of one query at one snapshot, best first, without copying them: a list of slots into the snapshot.
/// <see cref="Total"/> is the size before the query's limit; <see cref="Take"/> cuts further (quota).
/// </summary>
public sealed class BlocklistSelection : IReadOnlyList<BlocklistEntry>
{
    private readonly SlotSequence _slots;
    private readonly ulong? _contentHash;
    private string? _etag;

    /// <param name="contentHash">The sum of the listed entries' content hashes when already known (whole ranked prefixes).</param>
    /// <param name="groups">Where each score's run of entries starts (positions ascending; within a run slots ascend).</param>
    internal BlocklistSelection(BlocklistSnapshot snapshot, BlocklistQuery query, SlotSequence slots, int count, int total, string cursor,
        (int Key, int Start)[] groups, ulong? contentHash = null)
    {
        Groups = groups;
        _contentHash = contentHash;
        Snapshot = snapshot;
        Query = query;
        _slots = slots;
        Count = count;
        Total = total;
        Cursor = cursor;
    }

    public BlocklistSnapshot Snapshot { get; }

    public BlocklistQuery Query { get; }

    /// <summary>Entries in this selection (after the limit and any cut).</summary>
    public int Count { get; }

    /// <summary>Entries that matched the filters, before the limit.</summary>
    public int Total { get; }

    /// <summary>Pass back as <c>since</c> to get only what changed after this snapshot.</summary>
    public string Cursor { get; }

    public DateTimeOffset GeneratedAt => Snapshot.GeneratedAt;

    /// <summary>The runs of equal score (or raw score) in this selection before any cut: the first <c>Total</c> positions
    /// are covered.</summary>
    internal (int Key, int Start)[] Groups { get; }

    internal int SlotAt(int position) => _slots[position];

    /// <summary>A strong entity tag over the listed content (addresses, scores, activity, geo): equal lists, equal tags,
    /// across snapshots, so an unchanged list answers If-None-Match with 304 even after unrelated reports. The sum of the
    /// entries' content hashes (the order follows from the content), so a whole ranked list's tag needs no pass over it.</summary>
    public string ETag => _etag ??= ComputeETag();

    public BlocklistEntry this[int index] => Entry(index);

    /// <summary>The entry at a position without copying it.</summary>
    public ref readonly BlocklistEntry Entry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return ref Snapshot.At(_slots[index]);
    }

    /// <summary>The first <paramref name="count"/> entries (a quota cut); this selection when it is not larger.</summary>
    public BlocklistSelection Take(int count)
        => count >= Count ? this : new BlocklistSelection(Snapshot, Query, _slots, Math.Max(0, count), Total, Cursor, Groups);

    public IEnumerator<BlocklistEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return Snapshot.At(_slots[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string ComputeETag()
    {
        var hash = _contentHash ?? SumOfContentHashes();
        const ulong prime = 1099511628211;
        foreach (var c in Query.FilterKey)
        {
            hash = (hash ^ c) * prime;
        }

        return "\"" + hash.ToString("x16", CultureInfo.InvariantCulture) + "-" + Count.ToString(CultureInfo.InvariantCulture) + "\"";
    }

    private ulong SumOfContentHashes()
    {
        ulong sum = 0;
        for (var i = 0; i < Count; i++)
        {
            sum += Snapshot.At(_slots[i]).ContentHash;
        }

        return sum;
    }
}
