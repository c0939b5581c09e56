using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Core.Keys;

/// <summary>Creates key secrets ("sk_&lt;tier&gt;_&lt;32 random base62&gt;") and hashes them for storage and lookup.</summary>
public static class ApiKeySecrets
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 32;

    public static string Generate(string tierId)
    {
        Span<char> random = stackalloc char[RandomLength];
        for (var i = 0; i < random.Length; i++)
        {
            random[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"sk_{tierId.ToLowerInvariant()}_{random}";
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The visible part of a key: enough to recognise it in a list, too little to use it.</summary>
    public static string PrefixOf(string secret)
    {
        var tierEnd = secret.LastIndexOf('_');
        var visible = tierEnd < 0 ? Math.Min(6, secret.Length) : Math.Min(tierEnd + 5, secret.Length);
        return secret[..visible];
    }

    /// <summary>Constant-time comparison of two hashes, so response timing says nothing about a guessed key.</summary>
    /// <remarks>Two SHA-256 values are compared as four 64-bit words whose differences are OR-ed together (no branch on
    /// their contents): <c>FixedTimeEquals</c>, which is kept from being optimised, called a method per byte, about 100 ns
    /// on every authenticated request. Other lengths go to it.</remarks>
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != SHA256.HashSizeInBytes || b.Length != SHA256.HashSizeInBytes)
        {
            return CryptographicOperations.FixedTimeEquals(a, b);
        }

        var difference = (BinaryPrimitives.ReadUInt64LittleEndian(a) ^ BinaryPrimitives.ReadUInt64LittleEndian(b))
            | (BinaryPrimitives.ReadUInt64LittleEndian(a[8..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(b[8..]))
            | (BinaryPrimitives.ReadUInt64LittleEndian(a[16..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(b[16..]))
            | (BinaryPrimitives.ReadUInt64LittleEndian(a[24..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(b[24..]));
        return difference == 0;
    }
}
