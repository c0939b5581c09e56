namespace Palisade.Core.Keys;

/// <summary>
/// A secret as a request presented it, reduced to what the key ring looks it up by: the SHA-256 of a well-formed
/// secret, or the refusal an absent or oversized one gets before any hashing. A caller that sees the very same
/// secret again (the same string instance, e.g. a header the server kept for the next request on a connection) can
/// keep this value rather than hash the secret again; the ring still compares hashes, in constant time.
/// </summary>
public readonly struct PresentedSecret
{
    /// <summary>Longest secret hashed; a longer one is refused as invalid (no key is that long).</summary>
    public const int MaxLength = 200;

    private readonly KeyHash _hash;

    private PresentedSecret(KeyHash hash, KeyCheckStatus? refused)
    {
        _hash = hash;
        Refused = refused;
    }

    /// <summary>The answer without a lookup (Missing, Invalid), or null for a secret to look up by its hash.</summary>
    internal KeyCheckStatus? Refused { get; }

    internal KeyHash Hash => _hash;

    public static PresentedSecret Of(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return new PresentedSecret(default, KeyCheckStatus.Missing);
        }

        return secret.Length > MaxLength ? new PresentedSecret(default, KeyCheckStatus.Invalid) : new PresentedSecret(KeyHash.Of(secret), null);
    }
}
