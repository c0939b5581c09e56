using Palisade.Core.Keys;
using Palisade.Core.Storage;

namespace Palisade.Core.Tests.Keys;

public sealed class KeyRingNegativeCacheTests
{
    private sealed class CountingStore : IKeyStore
    {
        public List<ApiKey> Keys { get; } = [];

        public int Lookups { get; private set; }

        public Task<ApiKey> CreateAsync(ApiKey key, CancellationToken cancellationToken)
        {
            Keys.Add(key);
            return Task.FromResult(key);
        }

        public Task<ApiKey?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(Keys.FirstOrDefault(k => k.Hash.AsSpan().SequenceEqual(hash)));
        }

        public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKey>>([.. Keys]);

        public Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    [Fact]
    public async Task An_unknown_key_is_looked_up_once_until_the_keys_change()
    {
        var store = new CountingStore();
        var ring = new KeyRing(store, TierCatalog.Default);
        var unknown = ApiKeySecrets.Generate("free");
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(KeyCheckStatus.Invalid, (await ring.AuthenticateAsync(unknown, CancellationToken.None)).Status);
        }

        Assert.Equal(1, store.Lookups);

        // The secret becomes a real key (created elsewhere, announced by a reload): it works at once.
        await store.CreateAsync(new ApiKey(1, "late", "free", ApiKeySecrets.Hash(unknown), ApiKeySecrets.PrefixOf(unknown),
            DateTimeOffset.UtcNow, null, new Dictionary<QuotaFamily, long>()), CancellationToken.None);
        await ring.ReloadAsync(CancellationToken.None);
        Assert.Equal(KeyCheckStatus.Valid, (await ring.AuthenticateAsync(unknown, CancellationToken.None)).Status);

        // Each different unknown key costs one lookup, no more.
        for (var i = 0; i < 20; i++)
        {
            var other = ApiKeySecrets.Generate("free");
            await ring.AuthenticateAsync(other, CancellationToken.None);
            await ring.AuthenticateAsync(other, CancellationToken.None);
        }

        Assert.Equal(21, store.Lookups);
    }
}
