using System.Runtime.InteropServices;
using Palisade.Core.Addresses;

namespace Palisade.Core.Reputation;

/// <summary>
/// The index's IPv6 addresses by /64 (the /64 roll-up and range queries inside one /64): per /64, named by the upper half
/// of its addresses, the lower halves of its members. No text and no object per address (each member was a string and a
/// dictionary node, and each /64 a concurrent dictionary); the /64s are spread over shards, each locked and grown on its
/// own, so no report copies the whole map while it is applied. Members are dropped lazily: a reader skips and removes
/// those no longer in the index, and a purge sweeps them all (<see cref="RemoveWhere"/>). A /64 with one member (a host
/// that rotates through /64s makes many) holds it inline: a set per /64 cost ~170 bytes and three objects per address.
/// </summary>
internal sealed class PrefixMembers
{
    private const int ShardBits = 6;

    private readonly Dictionary<ulong, Members>[] _shards = CreateShards();

    private struct Members
    {
        public ulong One;           // the only member, while All is null
        public HashSet<ulong>? All; // every member, once the /64 has had a second
    }

    /// <summary>The /64 of an IPv6 address (its upper 64 bits); null for IPv4.</summary>
    public static ulong? PrefixOf(AddressKey key) => key.IsIPv6 ? key.High : null;

    /// <summary>"2001:db8:1:2::/64" for a /64.</summary>
    public static string Text(ulong prefix) => AddressKey.FromHalves(prefix, 0) + "/64";

    /// <summary>Adds an IPv6 address to its /64 (IPv4 is ignored); false if it was there.</summary>
    public bool Add(AddressKey key)
    {
        if (PrefixOf(key) is not { } prefix)
        {
            return false;
        }

        var shard = Shard(prefix);
        lock (shard)
        {
            ref var members = ref CollectionsMarshal.GetValueRefOrAddDefault(shard, prefix, out var existed);
            if (!existed)
            {
                members.One = key.Low;
                return true;
            }

            if (members.All is { } all)
            {
                return all.Add(key.Low);
            }

            if (members.One == key.Low)
            {
                return false;
            }

            members.All = [members.One, key.Low];
            return true;
        }
    }

    /// <summary>Whether the /64 has members.</summary>
    public bool Contains(ulong prefix)
    {
        var shard = Shard(prefix);
        lock (shard)
        {
            return shard.ContainsKey(prefix);
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> members of <paramref name="prefix"/> that are still <paramref name="alive"/> and that
    /// <paramref name="match"/> (when given) selects, in no particular order; members not alive are removed (their
    /// address left the index). Empty if the /64 has none.
    /// </summary>
    public List<AddressKey> Read(ulong prefix, int max, Func<AddressKey, bool> alive, Func<AddressKey, bool>? match = null)
    {
        ArgumentNullException.ThrowIfNull(alive);
        var found = new List<AddressKey>();
        var shard = Shard(prefix);
        lock (shard)
        {
            if (!shard.TryGetValue(prefix, out var entry))
            {
                return found;
            }

            if (entry.All is not { } members)
            {
                var key = AddressKey.FromHalves(prefix, entry.One);
                if (match is null || match(key))
                {
                    if (!alive(key))
                    {
                        shard.Remove(prefix);
                    }
                    else if (max > 0)
                    {
                        found.Add(key);
                    }
                }

                return found;
            }

            List<ulong>? gone = null;
            foreach (var low in members)
            {
                var key = AddressKey.FromHalves(prefix, low);
                if (match is not null && !match(key))
                {
                    continue;
                }

                if (!alive(key))
                {
                    (gone ??= []).Add(low);
                }
                else if (found.Count < max)
                {
                    found.Add(key);
                }
                else
                {
                    break;
                }
            }

            foreach (var low in gone ?? [])
            {
                members.Remove(low);
            }

            if (members.Count == 0)
            {
                shard.Remove(prefix);
            }
        }

        return found;
    }

    /// <summary>Removes every member <paramref name="remove"/> selects; returns the /64s left without members.</summary>
    public List<ulong> RemoveWhere(Func<AddressKey, bool> remove)
    {
        ArgumentNullException.ThrowIfNull(remove);
        var emptied = new List<ulong>();
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                List<ulong>? empty = null;
                foreach (var (prefix, members) in shard)
                {
                    bool none;
                    if (members.All is { } all)
                    {
                        all.RemoveWhere(low => remove(AddressKey.FromHalves(prefix, low)));
                        none = all.Count == 0;
                    }
                    else
                    {
                        none = remove(AddressKey.FromHalves(prefix, members.One));
                    }

                    if (none)
                    {
                        (empty ??= []).Add(prefix);
                    }
                }

                foreach (var prefix in empty ?? [])
                {
                    shard.Remove(prefix);
                    emptied.Add(prefix);
                }
            }
        }

        return emptied;
    }

    public void Clear()
    {
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                shard.Clear();
            }
        }
    }

    // The /64's upper bits vary most in its last 16 bits (the site's subnets); the shard mixes them all.
    private Dictionary<ulong, Members> Shard(ulong prefix)
        => _shards[(int)((prefix * 0x9E37_79B9_7F4A_7C15UL) >> (64 - ShardBits))];

    private static Dictionary<ulong, Members>[] CreateShards()
    {
        var shards = new Dictionary<ulong, Members>[1 << ShardBits];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = [];
        }

        return shards;
    }
}
