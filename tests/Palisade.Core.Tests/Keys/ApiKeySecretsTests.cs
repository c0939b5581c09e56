using Palisade.Core.Keys;

namespace Palisade.Core.Tests.Keys;

public sealed class ApiKeySecretsTests
{
    [Fact]
    public void A_secret_matches_its_own_hash_only()
    {
        var secret = ApiKeySecrets.Generate("free");
        var hash = ApiKeySecrets.Hash(secret);

        Assert.True(ApiKeySecrets.HashesEqual(hash, ApiKeySecrets.Hash(secret)));
        Assert.False(ApiKeySecrets.HashesEqual(hash, ApiKeySecrets.Hash(secret + "x")));
        Assert.False(ApiKeySecrets.HashesEqual(hash, ApiKeySecrets.Hash(ApiKeySecrets.Generate("free"))));
    }

    [Fact]
    public void Hashes_differing_in_any_one_bit_are_not_equal()
    {
        var hash = ApiKeySecrets.Hash("sk_free_0123456789abcdefghijABCDEFGHIJ01");
        for (var bit = 0; bit < hash.Length * 8; bit++)
        {
            var other = (byte[])hash.Clone();
            other[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ApiKeySecrets.HashesEqual(hash, other), $"bit {bit} differs");
            Assert.False(ApiKeySecrets.HashesEqual(other, hash), $"bit {bit} differs");
        }
    }

    [Fact]
    public void Values_of_another_length_never_match_a_hash()
    {
        var hash = ApiKeySecrets.Hash("sk_free_x");

        Assert.False(ApiKeySecrets.HashesEqual(hash, hash.AsSpan(0, 31)));
        Assert.False(ApiKeySecrets.HashesEqual(hash, [.. hash, 0]));
        Assert.False(ApiKeySecrets.HashesEqual(hash, []));
        Assert.True(ApiKeySecrets.HashesEqual(hash.AsSpan(0, 16), hash.AsSpan(0, 16)));
    }
}
