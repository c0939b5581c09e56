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

    private ConcurrentDictionary<string, ApiKey> _byHash = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);

    public TierCatalog Tiers => tiers;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        var fresh = new ConcurrentDictionary<string, ApiKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            fresh[Convert.ToHexString(key.Hash)] = key;
        }

        Volatile.Write(ref _byHash, fresh);
        reporters?.SetKeys(keys, tiers);
        Volatile.Write(ref _unknown, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
    }

    public async ValueTask<KeyCheck> AuthenticateAsync(string? secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return new KeyCheck(KeyCheckStatus.Missing, null);
        }

        if (secret.Length > 200)
        {
            return new KeyCheck(KeyCheckStatus.Invalid, null);
        }

        var hash = ApiKeySecrets.Hash(secret);
        var hex = Convert.ToHexString(hash);
        var map = Volatile.Read(ref _byHash);
        if (!map.TryGetValue(hex, out var key))
        {
            var unknown = Volatile.Read(ref _unknown);
            var now = Environment.TickCount64;
            if (unknown.TryGetValue(hex, out var until) && now < until)
            {
                return new KeyCheck(KeyCheckStatus.Invalid, null);
            }

            key = await store.FindByHashAsync(hash, cancellationToken);
            if (key is null)
            {
                if (unknown.Count >= MaxNegativeEntries)
                {
                    Interlocked.CompareExchange(ref _unknown, new ConcurrentDictionary<string, long>(StringComparer.Ordinal), unknown);
                    unknown = Volatile.Read(ref _unknown);
                }

                unknown[hex] = now + (long)NegativeLifetime.TotalMilliseconds;
                return new KeyCheck(KeyCheckStatus.Invalid, null);
            }

            map[hex] = key;
            reporters?.AddKey(key, tiers);
        }

        if (!ApiKeySecrets.HashesEqual(key.Hash, hash))
        {
            return new KeyCheck(KeyCheckStatus.Invalid, null);
        }

        if (key.IsRevoked)
        {
            return new KeyCheck(KeyCheckStatus.Revoked, null);
        }

        if (!tiers.TryGet(key.TierId, out var tier))
        {
            return new KeyCheck(KeyCheckStatus.UnknownTier, null);
        }

        return new KeyCheck(KeyCheckStatus.Valid, new AuthenticatedKey(key, tier));
    }
}
