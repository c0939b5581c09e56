using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Core.Keys;

/// <summary>
/// The SHA-256 of a key secret as a value: the key ring's lookup key. Hashing a presented secret this way allocates
/// nothing (the UTF-8 bytes and the digest live on the stack), where a byte array and its hex string cost three
/// allocations per request. Dictionaries of it hash with <see cref="HashCode"/>, seeded per process, so chosen
/// secrets cannot crowd one bucket.
/// </summary>
internal readonly struct KeyHash : IEquatable<KeyHash>
{
    /// <summary>Longest secret hashed on the stack (the ring refuses secrets over 200 characters before hashing).</summary>
    private const int MaxStackSecretChars = 256;

    private readonly ulong _a, _b, _c, _d;

    public KeyHash(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A key hash is 32 bytes (SHA-256).", nameof(digest));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(digest);
        _b = BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(digest[24..]);
    }

    /// <summary>The hash of <paramref name="secret"/>, as <see cref="ApiKeySecrets.Hash"/> computes it.</summary>
    public static KeyHash Of(ReadOnlySpan<char> secret)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        if (secret.Length <= MaxStackSecretChars)
        {
            Span<byte> utf8 = stackalloc byte[MaxStackSecretChars * 3];
            var length = Encoding.UTF8.GetBytes(secret, utf8);
            SHA256.HashData(utf8[..length], digest);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(secret.ToArray()), digest);
        }

        return new KeyHash(digest);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        CopyTo(bytes);
        return bytes;
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public bool Equals(KeyHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is KeyHash other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    public static bool operator ==(KeyHash left, KeyHash right) => left.Equals(right);

    public static bool operator !=(KeyHash left, KeyHash right) => !left.Equals(right);
}
