using System.Collections;

namespace Palisade.Core.Collections;

/// <summary>
/// An append-only list kept in fixed-size chunks: adding never copies what the list holds (a <see cref="List{T}"/>
/// copies all of it each time it doubles, which under a writer's lock is a stall as long as the list is big).
/// Not thread-safe.
/// </summary>
internal sealed class ChunkedList<T> : IEnumerable<T>
{
    // 4,096 references: 32 KB, below the large-object heap's 85,000 bytes.
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public void Add(T item)
    {
        var offset = Count & (ChunkSize - 1);
        if (offset == 0)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[^1][offset] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _chunks[i >> ChunkBits][i & (ChunkSize - 1)];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
