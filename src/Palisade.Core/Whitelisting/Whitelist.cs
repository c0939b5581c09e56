using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Palisade.Core.Addresses;

namespace Palisade.Core.Whitelisting;

/// <summary>
/// An immutable set of whitelist entries answering "which entry covers this address" fast (longest prefix wins,
/// expired entries ignored). Rebuilt, not mutated, when entries change.
/// </summary>
/// <remarks>
/// Entries are grouped by prefix length into dictionaries keyed by the masked network (UInt32 for IPv4, UInt128 for
/// IPv6); a lookup probes the lengths present from longest to shortest, so its cost is bounded by the number of
/// distinct prefix lengths, not the number of entries. When several entries name the same network, the one given
/// last wins (so operator entries appended after the built-in ones override them); an expired entry falls back to the
/// one before it. IPv4-mapped IPv6 addresses and networks are treated as IPv4.
/// </remarks>
public sealed class Whitelist
{
    public static readonly Whitelist Empty = new([]);

    private readonly WhitelistEntry[] _entries;
    private readonly Dictionary<uint, WhitelistEntry[]>?[] _v4 = new Dictionary<uint, WhitelistEntry[]>?[33];
    private readonly Dictionary<UInt128, WhitelistEntry[]>?[] _v6 = new Dictionary<UInt128, WhitelistEntry[]>?[129];
    private readonly int[] _v4Lengths;
    private readonly int[] _v6Lengths;

    // One bit per IPv4 /20 that any IPv4 entry overlaps (128 KB; the built-in list's ~63,000 scattered resolvers leave
    // most /20s clear, where they would mark most /16s): most checked addresses are in no whitelisted network, and a
    // clear bit answers them without probing every prefix length present.
    private const int FilterBits = 20;
    private readonly ulong[] _v4Filter = new ulong[(1 << FilterBits) / 64];

    public Whitelist(IEnumerable<WhitelistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];

        var v4 = new Dictionary<uint, List<WhitelistEntry>>?[33];
        var v6 = new Dictionary<UInt128, List<WhitelistEntry>>?[129];
        Span<byte> bytes = stackalloc byte[16];
        foreach (var entry in _entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            var network = entry.Network;
            var prefix = network.PrefixLength;
            network.BaseAddress.TryWriteBytes(bytes, out var length);
            if (length == 4)
            {
                Add(v4, prefix, MaskV4(BinaryPrimitives.ReadUInt32BigEndian(bytes), prefix), entry);
                continue;
            }

            var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            if (prefix >= 96 && (value >> 32) == 0xFFFF)
            {
                Add(v4, prefix - 96, MaskV4((uint)value, prefix - 96), entry);
            }
            else
            {
                Add(v6, prefix, MaskV6(value, prefix), entry);
            }
        }

        _v4Lengths = Freeze(v4, _v4);
        _v6Lengths = Freeze(v6, _v6);
        foreach (var prefix in _v4Lengths)
        {
            foreach (var network in _v4[prefix]!.Keys)
            {
                // A network of /20 or longer lies in one /20; a shorter one covers 2^(20 - prefix) of them.
                var first = (int)(network >> (32 - FilterBits));
                var count = prefix >= FilterBits ? 1 : 1 << (FilterBits - prefix);
                for (var block = first; block < first + count; block++)
                {
                    _v4Filter[block >> 6] |= 1UL << (block & 63);
                }
            }
        }
    }

    /// <summary>Every entry as given, expired ones included.</summary>
    public IReadOnlyList<WhitelistEntry> Entries => _entries;

    /// <summary>The most specific unexpired entry covering <paramref name="address"/>, or null.</summary>
    public WhitelistEntry? Match(IPAddress address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return MatchV4(BinaryPrimitives.ReadUInt32BigEndian(bytes), now);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        address.TryWriteBytes(bytes, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return (value >> 32) == 0xFFFF ? MatchV4((uint)value, now) : MatchV6(value, now);
    }

    /// <summary>As <see cref="Match(IPAddress, DateTimeOffset)"/>, for an address the index holds (no <see cref="IPAddress"/>
    /// to make: a full blocklist build matches every address).</summary>
    public WhitelistEntry? Match(AddressKey key, DateTimeOffset now)
        => key.IsIPv4 ? MatchV4((uint)key.Value, now) : MatchV6(key.Value, now);

    private WhitelistEntry? MatchV6(UInt128 value, DateTimeOffset now)
    {
        foreach (var prefix in _v6Lengths)
        {
            if (_v6[prefix]!.TryGetValue(MaskV6(value, prefix), out var candidates) && Pick(candidates, now) is { } hit)
            {
                return hit;
            }
        }

        return null;
    }

    private WhitelistEntry? MatchV4(uint value, DateTimeOffset now)
    {
        var block = (int)(value >> (32 - FilterBits));
        if ((_v4Filter[block >> 6] & (1UL << (block & 63))) == 0)
        {
            return null;
        }

        foreach (var prefix in _v4Lengths)
        {
            if (_v4[prefix]!.TryGetValue(MaskV4(value, prefix), out var candidates) && Pick(candidates, now) is { } hit)
            {
                return hit;
            }
        }

        return null;
    }

    private static WhitelistEntry? Pick(WhitelistEntry[] candidates, DateTimeOffset now)
    {
        for (var i = candidates.Length - 1; i >= 0; i--)
        {
            var entry = candidates[i];
            if (entry.ExpiresAt is not { } expires || expires > now)
            {
                return entry;
            }
        }

        return null;
    }

    private static uint MaskV4(uint value, int prefix) => prefix == 0 ? 0 : value & (uint.MaxValue << (32 - prefix));

    private static UInt128 MaskV6(UInt128 value, int prefix) => prefix == 0 ? UInt128.Zero : value & (UInt128.MaxValue << (128 - prefix));

    private static void Add<TKey>(Dictionary<TKey, List<WhitelistEntry>>?[] byLength, int prefix, TKey key, WhitelistEntry entry)
        where TKey : notnull
    {
        var map = byLength[prefix] ??= [];
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        list.Add(entry);
    }

    /// <summary>Copies the build-time lists into arrays and returns the prefix lengths present, longest first.</summary>
    private static int[] Freeze<TKey>(Dictionary<TKey, List<WhitelistEntry>>?[] source, Dictionary<TKey, WhitelistEntry[]>?[] target)
        where TKey : notnull
    {
        var lengths = new List<int>();
        for (var prefix = source.Length - 1; prefix >= 0; prefix--)
        {
            if (source[prefix] is not { } map)
            {
                continue;
            }

            var frozen = new Dictionary<TKey, WhitelistEntry[]>(map.Count);
            foreach (var (key, list) in map)
            {
                frozen.Add(key, [.. list]);
            }

            target[prefix] = frozen;
            lengths.Add(prefix);
        }

        return [.. lengths];
    }
}
