using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Palisade.Core.Blocklists;

/// <summary>
/// One gzip member assembled from pieces compressed on their own (as pigz does): each piece is a raw deflate stream
/// ended with a sync flush (byte-aligned, no final block), so cached pieces can be joined in any order, followed by an
/// empty final block and a trailer whose CRC-32 is combined from the pieces' CRCs without reading their bytes again.
/// </summary>
internal static class GzipPieces
{
    /// <summary>Magic, deflate, no flags, no time, no extra flags, OS unknown.</summary>
    public static ReadOnlyMemory<byte> Header { get; } = new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };

    /// <summary>An empty fixed-Huffman block with BFINAL set: ends the deflate stream.</summary>
    public static ReadOnlyMemory<byte> FinalBlock { get; } = new byte[] { 0x03, 0x00 };

    private const uint Polynomial = 0xedb88320;

    // x^(2^n) modulo the CRC polynomial, for n = 0..31 (zlib's x2n_table).
    private static readonly uint[] PowersOfX = BuildPowers();

    /// <summary>The deflate piece of <paramref name="raw"/> and its CRC-32.</summary>
    public static (byte[] Compressed, uint Crc) Compress(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return ([], 0);
        }

        using var target = new MemoryStream(raw.Length / 3 + 64);
        long flushed;
        using (var deflate = new DeflateStream(target, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(raw);
            deflate.Flush(); // Z_SYNC_FLUSH: everything so far, byte-aligned, no final block
            flushed = target.Length;
        } // disposing writes a final block, which is not part of the piece

        return (target.GetBuffer().AsSpan(0, (int)flushed).ToArray(), Crc32.HashToUInt32(raw));
    }

    /// <summary>The CRC-32 of A followed by B, from the CRC of A, the CRC of B and B's length (zlib's crc32_combine).</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
        => lengthB == 0 ? crcA : MultiplyModP(PowerOfX(lengthB, 3), crcA) ^ crcB;

    /// <summary>CRC-32 and the length modulo 2^32, little-endian.</summary>
    public static byte[] Trailer(uint crc, long length)
    {
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)length));
        return trailer;
    }

    private static uint MultiplyModP(uint a, uint b)
    {
        uint m = 1u << 31, p = 0;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0)
                {
                    return p;
                }
            }

            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
    }

    /// <summary>x^(n * 2^k) modulo the polynomial (k = 3: n bytes of zeros).</summary>
    private static uint PowerOfX(long n, int k)
    {
        var p = 1u << 31;
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                p = MultiplyModP(PowersOfX[k & 31], p);
            }

            n >>= 1;
            k++;
        }

        return p;
    }

    private static uint[] BuildPowers()
    {
        var table = new uint[32];
        var p = 1u << 30; // x^1
        table[0] = p;
        for (var n = 1; n < 32; n++)
        {
            table[n] = p = MultiplyModP(p, p);
        }

        return table;
    }
}
