using System.Collections.Concurrent;
using Palisade.Core.Storage;

namespace Palisade.Core.Keys;

/// <summary>
/// Authenticates presented secrets. Keys are looked up by the SHA-256 of the secret, served from memory, and
/// reloaded when another process (the CLI) changes them; a hash not in memory is looked up in the store once, so a
/// key created a moment ago works at once. A hash the store does not know is remembered as unknown for
/// <see cref="NegativeLifetime"/> (bounded, forgotten on every reload): random keys then cost a hash, not a query.
/// </summary>
/// <param name="reporters">Told about every key, so reports resolve to their reporter (docs/scoring.md "Reporters").</param>
public sealed class KeyRing(IKeyStore store, TierCatalog tiers, Reputation.ReporterBook? reporters = null)
{
    /// <summary>How long an unknown hash is answered from memory; a reload (any key change) forgets them sooner.</summary>
    public static readonly TimeSpan NegativeLifetime = TimeSpan.FromSeconds(30);

    /// <summary>At most this many unknown hashes are remembered; past it the set starts over (memory stays bounded).</summary>
    public const int MaxNegativeEntries = 100_000;

    private ConcurrentDictionary<KeyHash, Known> _byHash = new();
    private ConcurrentDictionary<KeyHash, long> _unknown = new();

    public TierCatalog Tiers => tiers;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        var fresh = new ConcurrentDictionary<KeyHash, Known>();
        foreach (var key in keys)
        {
            // Not a SHA-256 (a damaged row): no secret could match it, so it is not indexed.
            if (key.Hash.Length == System.Security.Cryptography.SHA256.HashSizeInBytes)
            {
                fresh[new KeyHash(key.Hash)] = new Known(key);
            }
        }

        Volatile.Write(ref _byHash, fresh);
        reporters?.SetKeys(keys, tiers);
        Volatile.Write(ref _unknown, new ConcurrentDictionary<KeyHash, long>());
    }

    public ValueTask<KeyCheck> AuthenticateAsync(string? secret, CancellationToken cancellationToken)
        => AuthenticateAsync(PresentedSecret.Of(secret), cancellationToken);

    /// <summary>As <see cref="AuthenticateAsync(string?, CancellationToken)"/>, for a secret already hashed.</summary>
    public ValueTask<KeyCheck> AuthenticateAsync(PresentedSecret secret, CancellationToken cancellationToken)
    {
        if (secret.Refused is { } refused)
        {
            return ValueTask.FromResult(new KeyCheck(refused, null));
        }

        // A key in memory is checked without an async state machine (every request of a client after its first).
        var hash = secret.Hash;
        return Volatile.Read(ref _byHash).TryGetValue(hash, out var known)
            ? ValueTask.FromResult(Check(known, hash))
            : FindAsync(hash, cancellationToken);
    }

    private async ValueTask<KeyCheck> FindAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        var map = Volatile.Read(ref _byHash);
        if (!map.TryGetValue(hash, out var known))
        {
            var unknown = Volatile.Read(ref _unknown);
            var now = Environment.TickCount64;
            if (unknown.TryGetValue(hash, out var until) && now < until)
            {
                return new KeyCheck(KeyCheckStatus.Invalid, null);
            }

            var found = await store.FindByHashAsync(hash.ToArray(), cancellationToken);
            if (found is null)
            {
                if (unknown.Count >= MaxNegativeEntries)
                {
                    Interlocked.CompareExchange(ref _unknown, new ConcurrentDictionary<KeyHash, long>(), unknown);
                    unknown = Volatile.Read(ref _unknown);
                }

                unknown[hash] = now + (long)NegativeLifetime.TotalMilliseconds;
                return new KeyCheck(KeyCheckStatus.Invalid, null);
            }

            known = new Known(found);
            map[hash] = known;
            reporters?.AddKey(found, tiers);
        }

        return Check(known, hash);
    }

    // The presented hash against the key's own, in constant time; then revocation and tier, read now.
    private KeyCheck Check(Known known, KeyHash hash)
    {
        var key = known.Key;
        Span<byte> presented = stackalloc byte[32];
        hash.CopyTo(presented);
        if (!ApiKeySecrets.HashesEqual(key.Hash, presented))
        {
            return new KeyCheck(KeyCheckStatus.Invalid, null);
        }

        if (key.IsRevoked)
        {
            return new KeyCheck(KeyCheckStatus.Revoked, null);
        }

        return known.Authenticated(tiers) is { } authenticated
            ? new KeyCheck(KeyCheckStatus.Valid, authenticated)
            : new KeyCheck(KeyCheckStatus.UnknownTier, null);
    }

    /// <summary>A key in memory, with the authenticated form handed out for it (immutable, so shared by its requests).</summary>
    private sealed class Known(ApiKey key)
    {
        private AuthenticatedKey? _authenticated;

        public ApiKey Key { get; } = key;

        // The key's tier, looked up once: the key and the catalog never change for this object (a change to the key is
        // a reload, which makes a new one), and the catalog's case-insensitive lookup was a string hash per request.
        public AuthenticatedKey? Authenticated(TierCatalog tiers)
        {
            if (Volatile.Read(ref _authenticated) is { } authenticated)
            {
                return authenticated;
            }

            if (!tiers.TryGet(Key.TierId, out var tier))
            {
                return null;
            }

            authenticated = new AuthenticatedKey(Key, tier);
            Volatile.Write(ref _authenticated, authenticated);
            return authenticated;
        }
    }
}
