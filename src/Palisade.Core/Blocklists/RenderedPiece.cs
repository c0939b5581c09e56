namespace Palisade.Core.Blocklists;

/// <summary>
/// Part of a rendered list: bytes (with, for gzip, the CRC-32 and length of what they decompress to), or a range of the
/// selection's entries rendered while sending (lists too large to cache).
/// </summary>
internal readonly record struct RenderedPiece(ReadOnlyMemory<byte> Bytes, uint Crc, long RawLength, int From, int To)
{
    public bool IsDeferred => To > From;

    public static RenderedPiece Of(ReadOnlyMemory<byte> bytes) => new(bytes, 0, bytes.Length, 0, 0);

    /// <summary>gzip's own header, final block or trailer: on the wire, but no part of the decompressed content.</summary>
    public static RenderedPiece Framing(ReadOnlyMemory<byte> bytes) => new(bytes, 0, 0, 0, 0);

    public static RenderedPiece Deferred(int from, int to) => new(ReadOnlyMemory<byte>.Empty, 0, 0, from, to);
}
