using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Palisade.Server.Taxii;

/// <summary>Writes TAXII resources property by property (exact key order, no reflection, stored STIX bodies copied raw).</summary>
internal static class TaxiiJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The resource as UTF-8, in a buffer rented from the shared pool (a page of a thousand indicators is ~1 MB:
    /// as a string and then bytes it cost ~3 MB of large objects per poll).</summary>
    public static Body Object(Action<Utf8JsonWriter> body)
    {
        var buffer = new PooledBuffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return new Body(buffer);
    }

    public static void StringArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A written resource: its bytes until <see cref="Return"/> gives the buffer back to the pool.</summary>
    public sealed class Body
    {
        private PooledBuffer? _buffer;

        internal Body(PooledBuffer buffer) => (_buffer, Length) = (buffer, buffer.Written);

        public int Length { get; }

        public ReadOnlyMemory<byte> Memory => _buffer?.WrittenMemory ?? throw new ObjectDisposedException(nameof(Body));

        public void Return() => Interlocked.Exchange(ref _buffer, null)?.Return();
    }

    internal sealed class PooledBuffer : IBufferWriter<byte>
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(4096);

        public int Written { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, Written);

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(Written);

        public void Return()
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }

        private byte[] Ensure(int sizeHint)
        {
            var needed = Written + Math.Max(sizeHint, 1);
            if (needed > _array.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
                _array.AsSpan(0, Written).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_array);
                _array = larger;
            }

            return _array;
        }
    }
}
