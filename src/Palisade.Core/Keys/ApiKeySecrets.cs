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
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
