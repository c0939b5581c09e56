using System.Buffers;
using System.IO.Compression;

namespace Palisade.Core.Blocklists;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that gzips what is written into a <see cref="BlocklistBuffer"/> as it goes, so a
/// large rendering (a million-entry JSON list is over 100 MB) is never held uncompressed. Call <see cref="Complete"/>
/// once at the end.
/// </summary>
public sealed class GzipBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int StagingSize = 64 * 1024;
    private readonly GZipStream _gzip;
    private byte[] _staging = new byte[StagingSize];
    private int _position;

    public GzipBufferWriter(BlocklistBuffer output, CompressionLevel level = CompressionLevel.Fastest)
        => _gzip = new GZipStream(new Sink(output), level, leaveOpen: false);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _staging.Length - _position);
        _position += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _staging.AsMemory(_position);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _staging.AsSpan(_position);
    }

    /// <summary>Compresses what is left and writes the gzip trailer.</summary>
    public void Complete()
    {
        Drain();
        _gzip.Dispose();
    }

    public void Dispose() => _gzip.Dispose();

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_staging.Length - _position >= needed)
        {
            return;
        }

        Drain();
        if (_staging.Length < needed)
        {
            _staging = new byte[needed];
        }
    }

    private void Drain()
    {
        if (_position > 0)
        {
            _gzip.Write(_staging, 0, _position);
            _position = 0;
        }
    }

    /// <summary>The compressed bytes' destination: appends to the chunked buffer.</summary>
    private sealed class Sink(BlocklistBuffer output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => output.Length;

        public override long Position { get => output.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var target = output.GetSpan(1);
                var n = Math.Min(target.Length, buffer.Length);
                buffer[..n].CopyTo(target);
                output.Advance(n);
                buffer = buffer[n..];
            }
        }
    }
}
