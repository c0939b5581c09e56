using System.Buffers;

namespace Palisade.Core.Blocklists;

/// <summary>
/// Rendered lists, kept in pieces: one piece per run of equal score within a slot region of the snapshot
/// (<see cref="BlocklistSnapshot.RegionBits"/>). A piece stays valid while its region's stamp is unchanged, so after a
/// report only the pieces of the touched region are rendered again and the rest of a million-line list is reused; the
/// whole assembled list is reused until the data changes. Bounded by bytes over all lists, least recently used first.
/// </summary>
internal sealed class BlocklistRenderCache(long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CachedList> _lists = new(StringComparer.Ordinal);
    private long _bytes;
    private long _clock;

    public RenderedBlocklist Render(BlocklistSelection selection, BlocklistLayout layout, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(layout);
        var estimate = (long)selection.Count * layout.EstimatedBytesPerEntry / (gzip ? 5 : 1);
        if (estimate > budgetBytes)
        {
            // Too large to hold: only the head and tail are rendered now, the entries while sending.
            return Assemble(selection, layout, gzip, list: null);
        }

        // Lists that differ only in their score minimum share one entry: a piece is one score's run in a region, the same
        // whatever the minimum, so the full list rendered once (as the first build does) serves every minimum.
        var key = (gzip ? "gzip|" : "identity|") + layout.Name + "|" + (selection.Query with { ScoreMinimum = 0 }).FilterKey;
        CachedList? list;
        lock (_gate)
        {
            if (!_lists.TryGetValue(key, out list))
            {
                list = new CachedList();
                _lists[key] = list;
            }

            list.LastUsed = ++_clock;
        }

        RenderedBlocklist rendered;
        long grown;
        lock (list.Gate)
        {
            if (list.Last is { } last && ReferenceEquals(last.Selection.Snapshot, selection.Snapshot) && last.Count == selection.Count &&
                last.Selection.Query.Limit == selection.Query.Limit && last.Selection.Query.ScoreMinimum == selection.Query.ScoreMinimum &&
                last.Variant == layout.Variant)
            {
                return last;
            }

            var before = list.Bytes;
            rendered = Assemble(selection, layout, gzip, list);
            if (selection.Snapshot.Generation >= (list.Last?.Selection.Snapshot.Generation ?? -1))
            {
                list.Last = rendered;
            }

            grown = list.Bytes - before;
        }

        lock (_gate)
        {
            if (_lists.TryGetValue(key, out var current) && ReferenceEquals(current, list))
            {
                _bytes += grown;
                EvictOver(budgetBytes, keep: list);
            }
        }

        return rendered;
    }

    private static RenderedBlocklist Assemble(BlocklistSelection selection, BlocklistLayout layout, bool gzip, CachedList? list)
    {
        var snapshot = selection.Snapshot;
        var timeKey = layout.DependsOnTime || selection.Query.DependsOnTime ? snapshot.Generation : 0;
        var pieces = new List<RenderedPiece>();
        var scratch = new ArrayBufferWriter<byte>(16 * 1024);
        var separator = gzip ? Piece(layout.Separator.Span, gzip: true) : RenderedPiece.Of(layout.Separator);
        var use = list is null ? 0 : ++list.Renders;
        if (gzip)
        {
            pieces.Add(RenderedPiece.Framing(GzipPieces.Header));
        }

        layout.WriteHead(selection, scratch);
        AddRendered(pieces, scratch, gzip);
        var groups = selection.Groups;
        var first = true;
        for (var g = 0; g < groups.Length && groups[g].Start < selection.Count; g++)
        {
            var (key, position) = groups[g];
            var groupEnd = g + 1 < groups.Length ? groups[g + 1].Start : selection.Total;
            while (position < groupEnd && position < selection.Count)
            {
                var region = selection.SlotAt(position) >> BlocklistSnapshot.RegionBits;
                var next = RegionEnd(selection, position, groupEnd, (region + 1) << BlocklistSnapshot.RegionBits);
                var to = Math.Min(next, selection.Count);
                if (!first && !layout.Separator.IsEmpty)
                {
                    pieces.Add(separator);
                }

                first = false;
                if (list is null)
                {
                    pieces.Add(RenderedPiece.Deferred(position, to));
                }
                else if (to < next)
                {
                    // Cut inside this run (limit or quota): rendered for this response only.
                    scratch.ResetWrittenCount();
                    layout.WriteEntries(selection, position, to, scratch);
                    AddRendered(pieces, scratch, gzip);
                }
                else
                {
                    var pieceKey = ((long)key << 32) | (uint)region;
                    var stamp = snapshot.RegionStamp(region);
                    if (!list.Pieces.TryGetValue(pieceKey, out var cached) || cached.Stamp != stamp || cached.Count != to - position ||
                        cached.TimeKey != timeKey)
                    {
                        scratch.ResetWrittenCount();
                        layout.WriteEntries(selection, position, to, scratch);
                        var piece = Piece(scratch.WrittenSpan, gzip);
                        list.Bytes += piece.Bytes.Length - (cached?.Piece.Bytes.Length ?? 0);
                        cached = new CachedPiece(stamp, to - position, timeKey, piece);
                        list.Pieces[pieceKey] = cached;
                    }

                    cached.Used = use;
                    if (cached.Piece.RawLength > 0)
                    {
                        pieces.Add(cached.Piece);
                    }
                }

                position = next;
            }
        }

        scratch.ResetWrittenCount();
        layout.WriteTail(selection, scratch);
        AddRendered(pieces, scratch, gzip);
        if (list is not null && list.Pieces.Count > 64 && list.Pieces.Count > 2 * pieces.Count)
        {
            // Pieces of runs that no longer exist (a score left a region): drop those this rendering did not use, but not
            // those below its score minimum (a list with a lower minimum uses them).
            var minimum = Math.Max(0, selection.Query.ScoreMinimum);
            foreach (var (pieceKey, cached) in list.Pieces)
            {
                if (cached.Used != use && (int)(pieceKey >> 32) >= minimum)
                {
                    list.Pieces.Remove(pieceKey);
                    list.Bytes -= cached.Piece.Bytes.Length;
                }
            }
        }

        if (gzip)
        {
            pieces.Add(RenderedPiece.Framing(GzipPieces.FinalBlock));
            if (list is not null)
            {
                uint crc = 0;
                long raw = 0;
                foreach (var piece in pieces)
                {
                    crc = GzipPieces.Combine(crc, piece.Crc, piece.RawLength);
                    raw += piece.RawLength;
                }

                pieces.Add(RenderedPiece.Framing(GzipPieces.Trailer(crc, raw)));
            }
        }

        return new RenderedBlocklist(pieces, selection, layout, gzip);
    }

    /// <summary>The first position in [from, end) whose slot is at least <paramref name="slotLimit"/> (slots ascend there).</summary>
    private static int RegionEnd(BlocklistSelection selection, int from, int end, int slotLimit)
    {
        int low = from, high = end;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (selection.SlotAt(middle) < slotLimit)
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

    private static void AddRendered(List<RenderedPiece> pieces, ArrayBufferWriter<byte> scratch, bool gzip)
    {
        if (scratch.WrittenCount > 0)
        {
            pieces.Add(Piece(scratch.WrittenSpan, gzip));
        }

        scratch.ResetWrittenCount();
    }

    private static RenderedPiece Piece(ReadOnlySpan<byte> raw, bool gzip)
    {
        if (!gzip)
        {
            return RenderedPiece.Of(raw.ToArray());
        }

        var (compressed, crc) = GzipPieces.Compress(raw);
        return new RenderedPiece(compressed, crc, raw.Length, 0, 0);
    }

    private void EvictOver(long budget, CachedList keep)
    {
        while (_bytes > budget && _lists.Count > 1)
        {
            var oldest = _lists.Where(l => !ReferenceEquals(l.Value, keep)).MinBy(l => l.Value.LastUsed);
            _lists.Remove(oldest.Key);
            _bytes -= oldest.Value.Bytes;
        }
    }

    private sealed class CachedList
    {
        public Lock Gate { get; } = new();

        public Dictionary<long, CachedPiece> Pieces { get; } = [];

        public long Bytes { get; set; }

        public long LastUsed { get; set; }

        public long Renders { get; set; }

        public RenderedBlocklist? Last { get; set; }
    }

    private sealed class CachedPiece(long stamp, int count, long timeKey, RenderedPiece piece)
    {
        public long Stamp { get; } = stamp;

        public int Count { get; } = count;

        public long TimeKey { get; } = timeKey;

        public RenderedPiece Piece { get; } = piece;

        public long Used { get; set; }
    }
}
