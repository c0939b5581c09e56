using System.Security.Cryptography;
using System.Text;

namespace Palisade.Core.Stix;

/// <summary>
/// Name-based UUIDs, version 5 (RFC 9562 §5.5): SHA-1 over the namespace in network byte order followed by the UTF-8
/// name. <see cref="Guid.ToByteArray()"/> is little-endian in its first three fields, so the big-endian overloads are
/// used on both ends.
/// </summary>
public static class StixUuid
{
    /// <summary>The STIX namespace for cyber-observable ids; the STIX spec forbids it for SDOs such as indicators.</summary>
    public static readonly Guid StixObservableNamespace = new("00abedb4-aa42-466c-9c01-fed23315a9b7");

    public static Guid Version5(Guid namespaceId, string name) => Version5(namespaceId, Encoding.UTF8.GetBytes(name));

    /// <param name="namespaceId">The namespace.</param>
    /// <param name="utf8Name">The name, already UTF-8 (an indicator's is built on the stack: one is derived per version written).</param>
    public static Guid Version5(Guid namespaceId, ReadOnlySpan<byte> utf8Name)
    {
        var length = 16 + utf8Name.Length;
        Span<byte> buffer = length <= 256 ? stackalloc byte[256] : new byte[length];
        namespaceId.TryWriteBytes(buffer, bigEndian: true, out _);
        utf8Name.CopyTo(buffer[16..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1; this is an identifier, not a security hash.
        SHA1.HashData(buffer[..length], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
