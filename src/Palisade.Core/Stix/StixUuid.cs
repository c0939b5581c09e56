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

    public static Guid Version5(Guid namespaceId, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(buffer, bigEndian: true, out _);
        nameBytes.CopyTo(buffer, 16);
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1; this is an identifier, not a security hash.
        var hash = SHA1.HashData(buffer);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
