using Palisade.Core.Addresses;
using Palisade.Core.Collections;
using Palisade.Core.Reputation;

namespace Palisade.Core.Stix;

/// <summary>
/// The head (latest version) of every indicator ever published, one per listed address: ten million at community scale,
/// so kept where it costs least. An address the index holds keeps its head in a dense array of heads, found through
/// <see cref="AddressReputation.HeadSlot"/> (4 bytes that were the entry's padding): 32 bytes per head. A dictionary by
/// address held 68 (a 40-byte head, its 16-byte key, the entry's hash and link, the bucket): ~340 MB more at ten million.
/// An address the index no longer holds (purged, its reports withdrawn) keeps its head in a dictionary by address: it is
/// revoked, and a relisting needs its generation.
/// </summary>
/// <remarks>
/// The index calls <see cref="Detach"/> before an entry leaves it (<see cref="ReputationIndex.Removing"/>), so a head is
/// always either on the live entry of its address or in the dictionary, never lost between them: a new entry for the same
/// address finds its head in the dictionary until the next <see cref="Set"/> moves it to the array. Every read and write
/// holds one lock (the index's own reads take none).
/// </remarks>
internal sealed class IndicatorHeads : IDisposable
{
    // 1,024 heads (32 KB) per chunk, below the large-object heap's 85,000 bytes: the array grows a chunk at a time.
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int Detached = -1;

    private readonly ReputationIndex _index;
    private readonly Lock _lock = new();
    private readonly List<PublishedHead[]> _chunks = [];
    private readonly Stack<int> _free = new(); // slots of the array given back by detached entries
    private readonly ShardedDictionary<AddressKey, PublishedHead> _removed = new();
    private int _used; // slots of the array ever handed out
    private int _count;
    private readonly Action<AddressReputation> _detach;

    public IndicatorHeads(ReputationIndex index)
    {
        _index = index;
        if (index.Removing is not null)
        {
            // The slot on each entry belongs to one set of heads.
            throw new InvalidOperationException("An index keeps the heads of one TAXII publisher.");
        }

        _detach = Detach;
        index.Removing = _detach;
    }

    /// <summary>Addresses with a head (current or revoked).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public bool TryGet(AddressKey key, out PublishedHead head)
    {
        lock (_lock)
        {
            return TryGetLocked(key, _index.Find(key), out head);
        }
    }

    /// <summary>Makes <paramref name="head"/> the head of <paramref name="key"/>.</summary>
    public void Set(AddressKey key, in PublishedHead head)
    {
        lock (_lock)
        {
            SetLocked(key, _index.Find(key), head);
        }
    }

    /// <summary>Makes <paramref name="head"/> the head of <paramref name="key"/> unless the one held is a later version: of
    /// a higher generation, or of the same with a later <c>modified</c> (each version of an object is modified after the
    /// one before). So versions read from the store may come in any order, and twice.</summary>
    public void Load(AddressKey key, in PublishedHead head)
    {
        lock (_lock)
        {
            var entry = _index.Find(key); // once: a start-up loads ten million
            if (!TryGetLocked(key, entry, out var held) || (held.Generation, held.Modified).CompareTo((head.Generation, head.Modified)) <= 0)
            {
                SetLocked(key, entry, head);
            }
        }
    }

    /// <summary>Gives the dictionary of removed addresses' heads back the room it grew into while loading.</summary>
    public void TrimExcess()
    {
        for (var shard = 0; shard < ShardedDictionary<AddressKey, PublishedHead>.ShardCount; shard++)
        {
            lock (_lock)
            {
                _removed.TrimExcess(shard);
            }
        }
    }

    /// <summary>The published addresses the index no longer holds, a shard at a time (the lock is not held while the
    /// caller goes through them).</summary>
    public IEnumerable<AddressKey> RemovedAddresses()
    {
        var keys = new List<AddressKey>();
        for (var shard = 0; shard < ShardedDictionary<AddressKey, PublishedHead>.ShardCount; shard++)
        {
            keys.Clear();
            lock (_lock)
            {
                _removed.CopyKeys(shard, keys);
            }

            foreach (var key in keys)
            {
                if (_index.Find(key) is null)
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>Lets the index go: its entries' slots no longer point into these heads (another publisher may start).</summary>
    public void Dispose()
    {
        if (_index.Removing != _detach)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var entry in _index.Addresses)
            {
                entry.HeadSlot = 0;
            }

            _index.Removing = null;
        }
    }

    // The entry leaves the index: its head (if any) moves to the dictionary, and the entry is marked so that a Set racing
    // the removal writes there too.
    private void Detach(AddressReputation entry)
    {
        lock (_lock)
        {
            if (entry.HeadSlot > 0)
            {
                var slot = entry.HeadSlot - 1;
                _removed[entry.Key] = At(slot);
                At(slot) = default;
                _free.Push(slot);
            }

            entry.HeadSlot = Detached;
        }
    }

    // The head is on the entry of the address while the index holds it (and it has one), else in the dictionary.
    private bool TryGetLocked(AddressKey key, AddressReputation? entry, out PublishedHead head)
    {
        if (entry is { HeadSlot: > 0 })
        {
            head = At(entry.HeadSlot - 1);
            return true;
        }

        return _removed.TryGetValue(key, out head);
    }

    private void SetLocked(AddressKey key, AddressReputation? entry, in PublishedHead head)
    {
        if (entry is { HeadSlot: >= 0 })
        {
            if (entry.HeadSlot == 0)
            {
                // The address's first head on this entry: new, unless it was published before the entry was (re)created.
                if (!_removed.Remove(key))
                {
                    _count++;
                }

                entry.HeadSlot = Allocate() + 1;
            }

            At(entry.HeadSlot - 1) = head;
            return;
        }

        ref var slot = ref _removed.GetValueRefOrAddDefault(key, out var exists);
        slot = head;
        if (!exists)
        {
            _count++;
        }
    }

    private int Allocate()
    {
        if (_free.TryPop(out var slot))
        {
            return slot;
        }

        if ((_used & (ChunkSize - 1)) == 0)
        {
            _chunks.Add(new PublishedHead[ChunkSize]);
        }

        return _used++;
    }

    private ref PublishedHead At(int slot) => ref _chunks[slot >> ChunkBits][slot & (ChunkSize - 1)];
}
