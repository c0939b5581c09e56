namespace Palisade.Core.Collections;

/// <summary>
/// A dictionary spread over shards by hash, each growing on its own, for a map that holds an entry per address: one
/// dictionary of a million entries is copied whole (a 100 MB array allocated at once on the large-object heap, which
/// brings a full collection forward) by the insert that crosses its size; a shard's copy is 1/<see cref="Shards"/> of
/// that. Not thread-safe: the owner locks, as it would a <see cref="Dictionary{TKey, TValue}"/>.
/// </summary>
internal sealed class ShardedDictionary<TKey, TValue>
    where TKey : IEquatable<TKey>
{
    private const int Shards = 256;

    private readonly Dictionary<TKey, TValue>[] _shards = new Dictionary<TKey, TValue>[Shards];

    public ShardedDictionary()
    {
        for (var i = 0; i < Shards; i++)
        {
            _shards[i] = [];
        }
    }

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                count += shard.Count;
            }

            return count;
        }
    }

    public TValue this[TKey key]
    {
        set => ShardOf(key)[key] = value;
    }

    public bool TryGetValue(TKey key, out TValue value) => ShardOf(key).TryGetValue(key, out value!);

    public bool Remove(TKey key) => ShardOf(key).Remove(key);

    /// <summary>The entry of <paramref name="key"/>, added with the default value when missing: a read and a write in one
    /// lookup (see <see cref="System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault{TKey, TValue}(Dictionary{TKey, TValue}, TKey, out bool)"/>;
    /// the reference is valid until the next change).</summary>
    public ref TValue GetValueRefOrAddDefault(TKey key, out bool exists)
        => ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(ShardOf(key), key, out exists)!;

    /// <summary>How many shards <see cref="CopyKeys"/> takes.</summary>
    public const int ShardCount = Shards;

    /// <summary>Adds the keys of one shard to <paramref name="keys"/>: a walk over every key a shard at a time, without a
    /// copy of all of them (or an enumerator that the owner's next write would break).</summary>
    public void CopyKeys(int shard, List<TKey> keys) => keys.AddRange(_shards[shard].Keys);

    /// <summary>Makes room for <paramref name="count"/> entries in all, spread evenly, plus a margin for the shards that
    /// get more than their share.</summary>
    public void EnsureCapacity(int count)
    {
        var share = count / Shards;
        foreach (var shard in _shards)
        {
            shard.EnsureCapacity(share + (share >> 3) + 16);
        }
    }

    /// <summary>Shrinks one shard's table to its entries (a shard grows by doubling: after a load it holds up to twice the
    /// room it needs, on average ~40 % more). One shard at a time, so the owner's lock is held for 1/<see cref="Shards"/>
    /// of the work.</summary>
    public void TrimExcess(int shard) => _shards[shard].TrimExcess();

    private Dictionary<TKey, TValue> ShardOf(TKey key) => _shards[(uint)key.GetHashCode() % Shards];
}
