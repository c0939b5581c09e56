using System.Buffers;

namespace Palisade.Core.Blocklists;

/// <summary>
/// An append-only byte buffer made of 64 KiB chunks: a rendered list of any size is written once, without the
/// doubling copies of a growing array, and sent chunk by chunk.
/// </summary>
public sealed class BlocklistBuffer : IBufferWriter<byte>
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private byte[] _current = [];
    private int _position;

    public long Length { get; private set; }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _current.Length - _position);
        _position += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsMemory(_position);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsSpan(_position);
    }

    /// <summary>The written bytes as read-only segments (the buffer must not be written afterwards).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments()
    {
        var segments = new List<ReadOnlyMemory<byte>>(_chunks.Count + 1);
        segments.AddRange(_chunks);

        if (_position > 0)
        {
            segments.Add(_current.AsMemory(0, _position));
        }

        return segments;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _position >= needed)
        {
            return;
        }

        if (_position > 0)
        {
            _chunks.Add(_current.AsMemory(0, _position));
        }

        _current = new byte[Math.Max(ChunkSize, needed)];
        _position = 0;
    }
}
