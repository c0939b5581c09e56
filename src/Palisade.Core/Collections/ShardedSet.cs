namespace Palisade.Core.Collections;

/// <summary>
/// A set spread over shards by hash, each growing on its own under its own lock, for adds made on a writer's path:
/// one hash set (or <c>ConcurrentDictionary</c>) is rehashed whole by the add that crosses its size, a stall as long as
/// the set is big; a shard's rehash is 1/<see cref="Shards"/> of that, and the shards cross their sizes at different adds.
/// </summary>
internal sealed class ShardedSet<T>
    where T : IEquatable<T>
{
    private const int Shards = 256;

    private readonly HashSet<T>[] _shards = new HashSet<T>[Shards];
    private int _count;

    public ShardedSet()
    {
        for (var i = 0; i < Shards; i++)
        {
            _shards[i] = [];
        }
    }

    public int Count => Volatile.Read(ref _count);

    public bool IsEmpty => Count == 0;

    /// <summary>Adds <paramref name="item"/>; false when it is there already.</summary>
    public bool Add(T item)
    {
        var shard = _shards[(uint)item.GetHashCode() % Shards];
        lock (shard)
        {
            if (!shard.Add(item))
            {
                return false;
            }

            Interlocked.Increment(ref _count);
            return true;
        }
    }

    /// <summary>Removes every item and returns them (each once). An item added meanwhile is either taken or stays.</summary>
    public List<T> TakeAll()
    {
        var items = new List<T>(Count);
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                items.AddRange(shard);
                Interlocked.Add(ref _count, -shard.Count);
                shard.Clear();
            }
        }

        return items;
    }

    public void Clear() => TakeAll();
}
