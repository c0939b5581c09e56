using System.Buffers;

namespace Palisade.Core.Blocklists;

/// <summary>
/// A list's wire shape, written in three parts so that <see cref="BlocklistEngine"/> can cache the entries in pieces:
/// a head (counts, times: written for every response), the entries of a range of the selection (cached per score and
/// slot region, joined with <see cref="Separator"/>), and a tail. A new report then re-renders the pieces of one region
/// instead of the whole list.
/// </summary>
public abstract class BlocklistLayout
{
    /// <summary>Names the shape in the render cache (with the query's filters); equal names must write equal entries.</summary>
    public abstract string Name { get; }

    /// <summary>Distinguishes heads that differ for the same entries (a limit or quota cut shown in a meta block).</summary>
    public virtual string Variant => "";

    public virtual string ContentType => "text/plain; charset=utf-8";

    /// <summary>Whether an entry's text depends on the snapshot's time (ipset timeouts): its pieces last one snapshot.</summary>
    public virtual bool DependsOnTime => false;

    /// <summary>A rough size of one entry, to decide whether a list fits the render cache before rendering it.</summary>
    public virtual int EstimatedBytesPerEntry => 16;

    /// <summary>Written between two pieces of entries (JSON's comma).</summary>
    public virtual ReadOnlyMemory<byte> Separator => ReadOnlyMemory<byte>.Empty;

    public abstract void WriteHead(BlocklistSelection selection, IBufferWriter<byte> output);

    /// <summary>Entries <paramref name="from"/> to <paramref name="to"/> (exclusive) of the selection, in order.</summary>
    public abstract void WriteEntries(BlocklistSelection selection, int from, int to, IBufferWriter<byte> output);

    public virtual void WriteTail(BlocklistSelection selection, IBufferWriter<byte> output)
    {
    }
}
