using System.Numerics;
using System.Runtime.CompilerServices;
using Receipt = Palisade.Core.Reputation.AddressReputation.Receipt;

namespace Palisade.Core.Reputation;

/// <summary>
/// The duplicate-window receipts of every address of one table, as chained structs in fixed-size chunks. An entry holds
/// only the number of its newest receipt (<see cref="AddressReputation.Receipts"/>, 0 for none). An array of receipts
/// per address was a second object beside every address reported in the last 15 minutes — 836,000 of them at once in
/// the ingest benchmark, each allocated, promoted and walked by every full collection; the chunks hold no references,
/// so the collector never looks inside them, and a restart fills them in reading order (no hashing).
/// </summary>
/// <remarks>
/// A chain is read and changed only under its entry's lock; cells are handed out and taken back under the slab's own
/// lock (taken inside an entry's, never the other way round). Cells are handed out from the lowest chunk with room, so
/// after a burst the receipts gather in the low chunks as they expire and the emptied high chunks are given back to the
/// collector (keeping one chunk of room, so a count that swings around a chunk's edge does not allocate one each time).
/// </remarks>
internal sealed class ReceiptSlab
{
    // 4,096 cells of 24 bytes: 96 KB, on the large-object heap (allocated there directly, never copied by a collection).
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int LocalMask = ChunkSize - 1;

    /// <summary>The end of a chain (cell 0 of chunk 0 is never handed out, so an entry's zeroed field means none).</summary>
    public const int None = 0;

    // The receipt packed beside the link in 24 bytes (a Receipt field and the link took 40: 150 MB more with ten million
    // reports received in the last 15 minutes): the time in milliseconds (the store's precision; 48 bits reach the year
    // 8900) shares a word with the 16 category bits, and the key id is 32 bits as in ReportFact.
    private struct Cell
    {
        private const int CategoryShift = 48;
        private const ulong TimeMask = (1UL << CategoryShift) - 1;

        public long ReportId;
        public ulong TimeAndCategories;
        public int KeyId;
        public int Next; // the next older receipt of the same address, or the next free cell of the chunk

        public readonly long ReceivedAtTicks => (long)(TimeAndCategories & TimeMask) * TimeSpan.TicksPerMillisecond;

        public readonly Receipt Receipt => new(ReportId, KeyId, ReceivedAtTicks, (ushort)(TimeAndCategories >> CategoryShift));

        public void Set(in Receipt receipt)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((ulong)receipt.KeyId, (ulong)int.MaxValue, nameof(receipt));
            ReportId = receipt.ReportId;
            KeyId = (int)receipt.KeyId;
            TimeAndCategories = (ulong)(receipt.ReceivedAtTicks / TimeSpan.TicksPerMillisecond) & TimeMask | (ulong)receipt.Categories << CategoryShift;
        }
    }

    private sealed class Chunk(int index)
    {
        public readonly Cell[] Cells = new Cell[ChunkSize];
        public int Free = None;     // the chunk's free cells, chained (a whole slot number)
        public int Bump = index == 0 ? 1 : 0; // cells from here on were never handed out
        public int Live;
    }

    private readonly Lock _gate = new();
    private Chunk?[] _chunks = new Chunk?[4];
    private ulong[] _room = [ulong.MaxValue]; // bit c: chunk c is absent or has a free cell
    private int _live;
    private int _held; // chunks allocated now

    /// <summary>Receipts held now.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>Chunks allocated now (<see cref="BytesHeld"/> is what they weigh).</summary>
    public int ChunksHeld => Volatile.Read(ref _held);

    /// <summary>The memory the chunks take, whether their cells are used or free.</summary>
    public long BytesHeld => (long)ChunksHeld * ChunkSize * Unsafe.SizeOf<Cell>();

    /// <summary>Puts <paramref name="receipt"/> in front of the chain (the newest first).</summary>
    public void Push(ref int head, in Receipt receipt)
    {
        int slot;
        lock (_gate)
        {
            slot = TakeLocked();
        }

        ref var cell = ref CellAt(slot);
        cell.Set(receipt);
        cell.Next = head;
        head = slot;
    }

    /// <summary>Drops the receipts received before <paramref name="fromTicks"/> from the chain.</summary>
    public void Prune(ref int head, long fromTicks)
    {
        // Most chains are empty or wholly within the window: no lock then.
        var any = false;
        for (var slot = head; slot != None; slot = CellAt(slot).Next)
        {
            if (CellAt(slot).ReceivedAtTicks < fromTicks)
            {
                any = true;
                break;
            }
        }

        if (!any)
        {
            return;
        }

        lock (_gate)
        {
            ref var link = ref head;
            while (link != None)
            {
                ref var cell = ref CellAt(link);
                if (cell.ReceivedAtTicks < fromTicks)
                {
                    var dropped = link;
                    link = cell.Next;
                    GiveBackLocked(dropped);
                }
                else
                {
                    link = ref cell.Next;
                }
            }
        }
    }

    /// <summary>Drops the whole chain (the address is gone or replaced).</summary>
    public void Clear(ref int head)
    {
        if (head == None)
        {
            return;
        }

        lock (_gate)
        {
            while (head != None)
            {
                var dropped = head;
                head = CellAt(dropped).Next;
                GiveBackLocked(dropped);
            }
        }
    }

    /// <summary>The chain's receipts, newest first.</summary>
    public Enumerator Read(int head) => new(this, head);

    /// <summary>Replaces <paramref name="into"/>'s contents with the chain's receipts, oldest first (the order a snapshot
    /// keeps them in).</summary>
    public void CopyOldestFirst(int head, List<Receipt> into)
    {
        into.Clear();
        for (var slot = head; slot != None; slot = CellAt(slot).Next)
        {
            into.Add(CellAt(slot).Receipt);
        }

        into.Reverse();
    }

    /// <summary>Walks a chain from the newest receipt (under the entry's lock).</summary>
    public struct Enumerator(ReceiptSlab slab, int head)
    {
        private int _next = head;

        public Receipt Current { get; private set; }

        public bool MoveNext()
        {
            if (_next == None)
            {
                return false;
            }

            ref var cell = ref slab.CellAt(_next);
            Current = cell.Receipt;
            _next = cell.Next;
            return true;
        }

        public readonly Enumerator GetEnumerator() => this;
    }

    private ref Cell CellAt(int slot) => ref Volatile.Read(ref _chunks)[slot >> ChunkBits]!.Cells[slot & LocalMask];

    private int TakeLocked()
    {
        var c = LowestWithRoom();
        while (c >= _chunks.Length)
        {
            var grown = new Chunk?[_chunks.Length * 2];
            _chunks.CopyTo(grown, 0);
            Volatile.Write(ref _chunks, grown);
        }

        if (c >> 6 == _room.Length)
        {
            var grown = new ulong[_room.Length * 2];
            _room.CopyTo(grown, 0);
            grown.AsSpan(_room.Length).Fill(ulong.MaxValue);
            _room = grown;
        }

        var chunk = _chunks[c];
        if (chunk is null)
        {
            chunk = new Chunk(c);
            Volatile.Write(ref _chunks[c], chunk);
            _held++;
        }

        int slot;
        if (chunk.Free != None)
        {
            slot = chunk.Free;
            chunk.Free = chunk.Cells[slot & LocalMask].Next;
        }
        else
        {
            slot = (c << ChunkBits) | chunk.Bump++;
        }

        if (++chunk.Live == ChunkSize - (c == 0 ? 1 : 0))
        {
            _room[c >> 6] &= ~(1UL << (c & 63));
        }

        _live++;
        return slot;
    }

    private void GiveBackLocked(int slot)
    {
        var c = slot >> ChunkBits;
        var chunk = _chunks[c]!;
        chunk.Cells[slot & LocalMask] = new Cell { Next = chunk.Free };
        chunk.Free = slot;
        chunk.Live--;
        _live--;
        _room[c >> 6] |= 1UL << (c & 63);

        // An emptied chunk goes back to the collector when the others have a chunk's worth of room besides (chunk 0 stays).
        if (chunk.Live == 0 && c != 0 && ((long)(_held - 1) * ChunkSize) - _live >= ChunkSize)
        {
            Volatile.Write(ref _chunks[c], null);
            _held--;
        }
    }

    // The lowest chunk that is absent or has a free cell (absent chunks past the last word's bits count as such).
    private int LowestWithRoom()
    {
        for (var w = 0; w < _room.Length; w++)
        {
            if (_room[w] != 0)
            {
                return (w << 6) + BitOperations.TrailingZeroCount(_room[w]);
            }
        }

        return _room.Length << 6;
    }
}
