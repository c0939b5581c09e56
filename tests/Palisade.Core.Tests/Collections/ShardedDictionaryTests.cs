using Palisade.Core.Addresses;
using Palisade.Core.Collections;

namespace Palisade.Core.Tests.Collections;

/// <summary>The map the TAXII publisher keeps one head per published address in: a dictionary, spread over shards.</summary>
public sealed class ShardedDictionaryTests
{
    [Fact]
    public void Every_entry_reads_back_as_last_set_and_is_counted_and_listed_once()
    {
        var map = new ShardedDictionary<AddressKey, int>();
        map.EnsureCapacity(20_000);
        for (var i = 0; i < 20_000; i++)
        {
            map[AddressKey.Parse($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")] = i;
        }

        for (var i = 0; i < 20_000; i += 2)
        {
            ref var entry = ref map.GetValueRefOrAddDefault(AddressKey.Parse($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}"), out var exists);
            Assert.True(exists);
            entry = -i;
        }

        ref var added = ref map.GetValueRefOrAddDefault(AddressKey.Parse("10.9.9.8"), out var existed);
        Assert.False(existed);
        added = 7;

        // Shrunk to its entries (as after a load), every shard still holds them all.
        var keys = new List<AddressKey>();
        for (var shard = 0; shard < ShardedDictionary<AddressKey, int>.ShardCount; shard++)
        {
            map.TrimExcess(shard);
            map.CopyKeys(shard, keys);
        }

        Assert.Equal(20_001, map.Count);
        Assert.True(map.TryGetValue(AddressKey.Parse("10.9.9.8"), out var seven) && seven == 7);
        keys.Remove(AddressKey.Parse("10.9.9.8"));

        Assert.Equal(20_000, keys.Distinct().Count());
        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(map.TryGetValue(AddressKey.Parse($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}"), out var value));
            Assert.Equal(i % 2 == 0 ? -i : i, value);
        }

        Assert.False(map.TryGetValue(AddressKey.Parse("10.9.9.9"), out _));
    }
}
