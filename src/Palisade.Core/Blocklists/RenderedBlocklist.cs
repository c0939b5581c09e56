using System.Buffers;
using System.IO.Pipelines;

namespace Palisade.Core.Blocklists;

/// <summary>
/// A list ready to send: cached pieces of bytes, sent as they are to every requester, and for lists too large to cache
/// (<see cref="Length"/> null), ranges rendered straight into the response while sending.
/// </summary>
public sealed class RenderedBlocklist
{
    private const int FlushEvery = 64 * 1024;
    private readonly IReadOnlyList<RenderedPiece> _pieces;
    private readonly BlocklistSelection _selection;
    private readonly BlocklistLayout _layout;

    internal RenderedBlocklist(IReadOnlyList<RenderedPiece> pieces, BlocklistSelection selection, BlocklistLayout layout, bool gzipped)
    {
        _pieces = pieces;
        _selection = selection;
        _layout = layout;
        Gzipped = gzipped;
        long length = 0;
        foreach (var piece in pieces)
        {
            if (piece.IsDeferred)
            {
                Length = null;
                return;
            }

            length += piece.Bytes.Length;
        }

        Length = length;
    }

    /// <summary>Bytes on the wire, or null when part of the list is rendered while sending.</summary>
    public long? Length { get; }

    /// <summary>Entries rendered.</summary>
    public int Count => _selection.Count;

    public string ETag => _selection.ETag;

    /// <summary>Whether the bytes are one gzip member (send with <c>Content-Encoding: gzip</c>).</summary>
    public bool Gzipped { get; }

    public string ContentType => _layout.ContentType;

    internal BlocklistSelection Selection => _selection;

    internal IReadOnlyList<RenderedPiece> Pieces => _pieces;

    internal string Variant => _layout.Variant;

    public async Task WriteToAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArrayBufferWriter<byte>? scratch = null;
        uint crc = 0;
        long raw = 0, pending = 0;
        foreach (var piece in _pieces)
        {
            if (!piece.IsDeferred)
            {
                output.Write(piece.Bytes.Span);
                pending += piece.Bytes.Length;
                if (Gzipped)
                {
                    crc = GzipPieces.Combine(crc, piece.Crc, piece.RawLength);
                    raw += piece.RawLength;
                }
            }
            else if (!Gzipped)
            {
                // Rendered in slices so that the pipe's back-pressure is honoured within a large range.
                for (var from = piece.From; from < piece.To; from += 4096)
                {
                    var to = Math.Min(piece.To, from + 4096);
                    if (from > piece.From)
                    {
                        output.Write(_layout.Separator.Span);
                    }

                    _layout.WriteEntries(_selection, from, to, output);
                    pending += (to - from) * (long)_layout.EstimatedBytesPerEntry;
                    if (pending >= FlushEvery)
                    {
                        await output.FlushAsync(cancellationToken);
                        pending = 0;
                    }
                }
            }
            else
            {
                scratch ??= new ArrayBufferWriter<byte>(64 * 1024);
                for (var from = piece.From; from < piece.To; from += 4096)
                {
                    scratch.ResetWrittenCount();
                    if (from > piece.From)
                    {
                        scratch.Write(_layout.Separator.Span);
                    }

                    _layout.WriteEntries(_selection, from, Math.Min(piece.To, from + 4096), scratch);
                    var (compressed, pieceCrc) = GzipPieces.Compress(scratch.WrittenSpan);
                    output.Write(compressed);
                    pending += compressed.Length;
                    crc = GzipPieces.Combine(crc, pieceCrc, scratch.WrittenCount);
                    raw += scratch.WrittenCount;
                    if (pending >= FlushEvery)
                    {
                        await output.FlushAsync(cancellationToken);
                        pending = 0;
                    }
                }
            }

            if (pending >= FlushEvery)
            {
                await output.FlushAsync(cancellationToken);
                pending = 0;
            }
        }

        if (Gzipped && Length is null)
        {
            output.Write(GzipPieces.Trailer(crc, raw));
        }

        await output.FlushAsync(cancellationToken);
    }

    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var output = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        await WriteToAsync(output, cancellationToken);
        await output.CompleteAsync();
    }
}
