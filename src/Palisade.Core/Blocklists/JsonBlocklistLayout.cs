using System.Buffers;
using System.Text.Json;

namespace Palisade.Core.Blocklists;

/// <summary>
/// A JSON list: the head opens the document up to the array of entries, each entry is one object, the tail closes it.
/// Pieces of entries are written as comma-separated objects and joined with a comma.
/// </summary>
public abstract class JsonBlocklistLayout : BlocklistLayout
{
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ContentType => "application/json; charset=utf-8";

    public override int EstimatedBytesPerEntry => 120;

    public override ReadOnlyMemory<byte> Separator => Comma;

    /// <summary>Everything before the first entry, ending inside the open array.</summary>
    protected abstract void WriteHead(BlocklistSelection selection, Utf8JsonWriter json);

    protected abstract void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json);

    /// <summary>Closes what the head opened (<c>]}</c> or <c>]</c>).</summary>
    protected abstract ReadOnlySpan<byte> Tail { get; }

    public sealed override void WriteHead(BlocklistSelection selection, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output, Options);
        WriteHead(selection, json);
        json.Flush();
    }

    public sealed override void WriteEntries(BlocklistSelection selection, int from, int to, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        // Without validation the writer puts a comma between values at the top level, which is what a piece is.
        using var json = new Utf8JsonWriter(output, Options);
        for (var i = from; i < to; i++)
        {
            WriteEntry(in selection.Entry(i), json);
            if (json.BytesPending > 16 * 1024)
            {
                json.Flush();
            }
        }

        json.Flush();
    }

    public sealed override void WriteTail(BlocklistSelection selection, IBufferWriter<byte> output) => output.Write(Tail);
}
