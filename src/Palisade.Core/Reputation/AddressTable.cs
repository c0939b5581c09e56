using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Palisade.Core.Addresses;

namespace Palisade.Core.Reputation;

/// <summary>
/// The index's addresses: an open-addressing table of entries keyed by their <see cref="AddressReputation.Key"/>.
/// A <c>ConcurrentDictionary</c> held a 48-byte node per address plus its bucket; this holds a reference and a hash per
/// slot (about 20 bytes per address at the table's load), the key being the entry's own 128-bit address. Lookups by text
/// parse it first (canonical text only, as the text keys before it).
/// </summary>
/// <remarks>
/// Reads take no lock: a slot's hash is written before its entry is published, and a resize or a clean-up publishes a
/// whole new table (its arrays in the segment's view, under a sequence number), so a reader sees either table
/// consistently (a read racing a write sees it or not, as with any concurrent map). Writes are serialised by one lock;
/// they are the index's (reports applied, reloads, purges), never on the check path. Hashes are keyed by the table's
/// random <see cref="Seed"/>.
/// The table is <see cref="Segments"/> tables, chosen by the hash's top bits, each growing on its own: one table of a
/// million addresses was copied whole by the report that crossed its mark, 40-55 ms at 0.7-1 M (200+ ms at 10 M)
/// during which every report in flight waited (the ingest benchmark's p99, docs/performance.md "Session 18"); a
/// segment's copy is 1/4,096 of that, and the segments cross their marks at different reports. 4,096 and not 256: a
/// segment's two arrays then stay under the large-object heap's 85,000 bytes up to ~28 M addresses (256 segments made
/// 512 large objects of 0.25-0.5 MB at ten million, and a start under a 3.5 GB heap limit failed with
/// OutOfMemoryException allocating them, though the heap was nearly empty; docs/performance.md "Session 26").
/// </remarks>
internal sealed class AddressTable
{
    // Marks a removed entry: probes go past it, inserts reuse it.
    private static readonly AddressReputation Removed = new(default(AddressKey));

    /// <summary>How many tables the addresses are spread over (by the top <see cref="SegmentBits"/> bits of the hash).</summary>
    internal const int Segments = 1 << SegmentBits;
    private const int SegmentBits = 12;

    private sealed class Table(int capacity)
    {
        public readonly int[] Hashes = new int[capacity];
        public readonly AddressReputation?[] Entries = new AddressReputation?[capacity];
        public int Used; // live entries plus removed marks
        public int Live;
    }

    // What a lookup reads of a segment, side by side in one array: its arrays and their length, without a hop through
    // its Table object (one cache line per segment, missed by nearly every check of a large table: the most sampled
    // load of a lookup once the arrays' headers were no longer read; docs/performance.md "Session 28"). Written with the
    // table it mirrors under a sequence number, odd while the arrays are replaced; a lookup that sees it change reads
    // again.
    private struct SegmentView
    {
        public int[] Hashes;
        public AddressReputation?[] Entries;
        public int Capacity;
        public int Sequence;
    }

    private readonly Lock _writer = new();
    private readonly Table[] _segments = new Table[Segments];
    private readonly SegmentView[] _views = new SegmentView[Segments];
    private volatile int _count;

    /// <param name="capacity">Addresses expected (a snapshot read at start-up sizes the table once).</param>
    /// <param name="seed">The key of its hash (<see cref="Seed"/>); null for a fresh random one.</param>
    public AddressTable(int capacity = 0, ulong? seed = null)
    {
        // Each segment sized for its share and a margin of a few standard deviations (a million addresses put 244 ± 16 in
        // each), so a snapshot read grows none of them.
        var share = capacity / Segments;
        var perSegment = share + (4 * (long)Math.Sqrt(share)) + 1;
        for (var s = 0; s < Segments; s++)
        {
            Publish(s, new Table(SizeFor(capacity == 0 ? 0 : perSegment)));
        }

        Seed = seed ?? BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    }

    /// <summary>
    /// The key of the table's hash: random and secret (a fixed hash would let anyone who reports addresses choose ones that
    /// pile up in one probe run), but kept in the index snapshot, so that a restart's table hashes as the writer's did.
    /// The snapshot lists addresses in slot order and a slot is the hash scaled to the table's size, so with the same key
    /// the read inserts in ascending slot order, whatever the size: one pass through the table instead of a cache miss
    /// per address (docs/performance.md "Restart at a million addresses (session 13)").
    /// </summary>
    public ulong Seed { get; }

    public int Count => _count;

    /// <summary>The duplicate-window receipts of this table's entries (<see cref="AddressReputation.Receipts"/>).</summary>
    public ReceiptSlab Receipts { get; } = new();

    /// <summary>Slots of the largest segment: what the next growth copies at most.</summary>
    internal int LargestSegment => _segments.Max(t => t.Entries.Length);

    public bool IsEmpty => _count == 0;

    // Holds the count at a load of 2/3, leaving room to grow by an eighth before the table is copied (not rounded to a
    // power of two: at a million addresses that rounding alone could cost 8 bytes per address).
    private static int SizeFor(long count) => (int)Math.Clamp(count + (count / 2) + 16, 16, Array.MaxLength);

    // The segment of a hash: its top bits. Slots in segment order, then slot order, are in ascending hash order.
    private Table SegmentOf(int hash) => Volatile.Read(ref _segments[(uint)hash >> (32 - SegmentBits)]);

    // The first slot to probe: the hash's bits below the segment's, scaled to the table's size (multiply-shift, no division).
    private static int Start(int hash, int capacity) => (int)(((ulong)(uint)(hash << SegmentBits) * (ulong)capacity) >> 32);

    private int HashOf(AddressKey key)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, key.High);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], key.Low);
        var hash = (int)XxHash3.HashToUInt64(bytes, (long)Seed);
        return hash == Unused ? 1 : hash;
    }

    // The hash of a slot no entry was ever put in (TryGetValue stops there); HashOf never gives it.
    private const int Unused = 0;

    public bool TryGetValue(string address, [MaybeNullWhen(false)] out AddressReputation entry)
    {
        if (AddressKey.TryParse(address, out var key))
        {
            return TryGetValue(key, out entry);
        }

        entry = null;
        return false;
    }

    public bool TryGetValue(AddressKey key, [MaybeNullWhen(false)] out AddressReputation entry)
    {
        var hash = HashOf(key);
        ref var view = ref _views[(uint)hash >> (32 - SegmentBits)];
        int[] hashes;
        AddressReputation?[] entries;
        int capacity;
        while (true)
        {
            var sequence = Volatile.Read(ref view.Sequence);
            hashes = Volatile.Read(ref view.Hashes);
            entries = Volatile.Read(ref view.Entries);
            capacity = Volatile.Read(ref view.Capacity);
            if ((sequence & 1) == 0 && Volatile.Read(ref view.Sequence) == sequence)
            {
                break;
            }

            Thread.SpinWait(1); // a segment's arrays being replaced: a few stores under the writer lock
        }

        // The slots are read without the arrays' bounds and null checks, each of which reads the array's header: in a
        // large table that is a cache line apart from the slot, and it was the most sampled load of a check (docs/
        // performance.md "Session 28"). The arrays are never null (the explicit tests let the compiler drop its own
        // checks, which load from the array) and every index is below the capacity read with them, their length.
        if (hashes is null || entries is null)
        {
            entry = null;
            return false;
        }

        ref var hashSlots = ref MemoryMarshal.GetArrayDataReference(hashes);
        // The probe reads the hashes, and an entry only where a hash matches: a lookup of an address not in the table
        // (half of all checks) touches the hashes alone. A slot never used has hash 0 (HashOf gives none); a slot whose
        // hash is written and entry not yet is an insert in progress, not a match.
        for (var i = Start(hash, capacity); ; i = i + 1 == capacity ? 0 : i + 1)
        {
            var seen = Volatile.Read(ref Unsafe.Add(ref hashSlots, i));
            if (seen == Unused)
            {
                entry = null;
                return false;
            }

            if (seen == hash && Volatile.Read(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(entries), i)) is { } found &&
                !ReferenceEquals(found, Removed) && found.Key == key)
            {
                entry = found;
                return true;
            }
        }
    }

    public AddressReputation? GetValueOrDefault(string address) => TryGetValue(address, out var entry) ? entry : null;

    public bool ContainsKey(string address) => TryGetValue(address, out _);

    public bool ContainsKey(AddressKey key) => TryGetValue(key, out _);

    /// <summary>The entry of <paramref name="address"/>, added by <paramref name="create"/> if there is none.</summary>
    public AddressReputation GetOrAdd(string address, Func<string, AddressReputation> create)
    {
        var key = AddressKey.Parse(address);
        if (TryGetValue(key, out var known))
        {
            return known;
        }

        lock (_writer)
        {
            if (TryGetValue(key, out known))
            {
                return known;
            }

            var entry = create(address);
            Insert(entry);
            return entry;
        }
    }

    /// <summary>The entry of <paramref name="key"/>, added (with no facts yet) if there is none.</summary>
    public AddressReputation GetOrAdd(AddressKey key)
    {
        if (TryGetValue(key, out var known))
        {
            return known;
        }

        lock (_writer)
        {
            if (TryGetValue(key, out known))
            {
                return known;
            }

            var entry = new AddressReputation(key);
            Insert(entry);
            return entry;
        }
    }

    /// <summary>Adds <paramref name="entry"/>; false (and nothing changed) when its address has an entry already.</summary>
    public bool TryAdd(AddressReputation entry)
    {
        lock (_writer)
        {
            return TryInsert(entry);
        }
    }

    /// <summary>Adds <paramref name="entry"/>, replacing the entry of the same address if there is one.</summary>
    public void Set(AddressReputation entry)
    {
        lock (_writer)
        {
            var hash = HashOf(entry.Key);
            var table = SegmentOf(hash);
            if (Find(table, entry.Key, hash) is var at and >= 0)
            {
                Volatile.Write(ref table.Entries[at], entry);
                return;
            }

            Insert(entry);
        }
    }

    /// <summary>Removes the entry of <paramref name="address"/>; false when there is none.</summary>
    public bool TryRemove(string address) => AddressKey.TryParse(address, out var key) && TryRemove(key);

    /// <summary>Removes the entry of <paramref name="key"/>; false when there is none.</summary>
    public bool TryRemove(AddressKey key)
    {
        lock (_writer)
        {
            var hash = HashOf(key);
            var table = SegmentOf(hash);
            if (Find(table, key, hash) is not (var at and >= 0))
            {
                return false;
            }

            Volatile.Write(ref table.Entries[at], Removed);
            table.Live--;
            _count--;
            return true;
        }
    }

    /// <summary>Every entry (a copy of nothing: entries added or removed while enumerating may or may not be seen).</summary>
    public IEnumerable<AddressReputation> Values
    {
        get
        {
            for (var s = 0; s < Segments; s++)
            {
                var entries = Volatile.Read(ref _segments[s]).Entries;
                for (var i = 0; i < entries.Length; i++)
                {
                    if (Volatile.Read(ref entries[i]) is { } entry && !ReferenceEquals(entry, Removed))
                    {
                        yield return entry;
                    }
                }
            }
        }
    }

    // The slot holding the address, or -1. Under the writer lock. Optimised at once: a start-up adds a million entries
    // before tiered compilation gets round to it (it was still the unoptimised code in a profile of the snapshot read).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Find(Table table, AddressKey key, int hash)
    {
        var capacity = table.Entries.Length;
        for (var i = Start(hash, capacity); ; i = i + 1 == capacity ? 0 : i + 1)
        {
            var found = table.Entries[i];
            if (found is null)
            {
                return -1;
            }

            if (table.Hashes[i] == hash && !ReferenceEquals(found, Removed) && found.Key == key)
            {
                return i;
            }
        }
    }

    // Adds an entry known to be absent. Under the writer lock.
    private void Insert(AddressReputation entry) => TryInsert(entry);

    // Adds an entry unless its address has one: one hash and one probe run (a snapshot read adds a million entries, and
    // a look-up followed by an insert hashed and probed each twice). Under the writer lock. Optimised at once, as Find.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryInsert(AddressReputation entry)
    {
        var key = entry.Key;
        var hash = HashOf(key);
        var segment = (int)((uint)hash >> (32 - SegmentBits));
        var table = _segments[segment];
        if ((table.Used + 1) * 4L > table.Entries.Length * 3L)
        {
            // Grows by half (to a load of 1/2) when live entries fill more than half of it, else only sweeps the
            // removal marks out (a steady add-and-remove stream then never grows it).
            var live = table.Live + 1L;
            table = Rehash(segment, table, live * 2 > table.Entries.Length ? (int)Math.Min(live * 2, Array.MaxLength) : table.Entries.Length);
        }

        var capacity = table.Entries.Length;
        var free = -1; // the first removal mark on the way, reused if the address is not further on
        var i = Start(hash, capacity);
        for (; table.Entries[i] is { } taken; i = i + 1 == capacity ? 0 : i + 1)
        {
            if (ReferenceEquals(taken, Removed))
            {
                free = free < 0 ? i : free;
            }
            else if (table.Hashes[i] == hash && taken.Key == key)
            {
                return false;
            }
        }

        if (free < 0)
        {
            free = i;
            table.Used++;
        }

        table.Hashes[free] = hash;
        Volatile.Write(ref table.Entries[free], entry);
        table.Live++;
        _count++;
        return true;
    }

    private Table Rehash(int segment, Table old, int capacity)
    {
        var table = new Table(capacity);
        for (var j = 0; j < old.Entries.Length; j++)
        {
            if (old.Entries[j] is not { } entry || ReferenceEquals(entry, Removed))
            {
                continue;
            }

            var i = Start(old.Hashes[j], capacity);
            while (table.Entries[i] is not null)
            {
                i = i + 1 == capacity ? 0 : i + 1;
            }

            table.Entries[i] = entry;
            table.Hashes[i] = old.Hashes[j];
            table.Used++;
        }

        table.Live = table.Used;
        Publish(segment, table);
        return table;
    }

    // Makes table the segment's, for writers (its Table) and lookups (its view). Under the writer lock, or in the
    // constructor. The increments are full fences: the view's fields are written while its sequence is odd.
    private void Publish(int segment, Table table)
    {
        ref var view = ref _views[segment];
        Interlocked.Increment(ref view.Sequence);
        view.Hashes = table.Hashes;
        view.Entries = table.Entries;
        view.Capacity = table.Entries.Length;
        Interlocked.Increment(ref view.Sequence);
        Volatile.Write(ref _segments[segment], table);
    }
}
