using System.Runtime.InteropServices;
using Palisade.Core.Addresses;

namespace Palisade.Core.Reputation;

/// <summary>
/// Receipts of the reports received within the duplicate window (<see cref="Reports.ReportLimits.DuplicateWindow"/>), by
/// address: all that duplicate detection compares with. Kept beside the index, not on each entry: under a stream of new
/// addresses every address holds one for the window, and an array per entry doubled the objects a full collection
/// marks (issue 15: the ingest's gen2 pauses). Here a receipt is a struct in a dictionary without references (a
/// collection does not scan it); 256 shards, each locked, grown and swept on its own as it is written to.
/// </summary>
internal sealed class RecentReceipts
{
    private const int ShardBits = 8;

    private readonly Shard[] _shards;

    public RecentReceipts()
    {
        _shards = new Shard[1 << ShardBits];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard();
        }
    }

    private sealed class Shard
    {
        public readonly Lock Gate = new();

        // Addresses with one receipt (nearly all); those with more hold all of theirs, oldest first, in More instead.
        public readonly Dictionary<AddressKey, Receipt> One = [];
        public Dictionary<AddressKey, Receipt[]>? More;

        // The window's start when this shard was last swept: it is swept again once the window has moved on a quarter.
        public long SweptFromTicks;
    }

    private Shard ShardOf(AddressKey key) => _shards[(uint)key.GetHashCode() >> (32 - ShardBits)];

    /// <summary>Adds a receipt of <paramref name="key"/>, dropping its receipts received before <paramref name="fromTicks"/>
    /// (and, now and then, every address's in this shard).</summary>
    public void Add(AddressKey key, Receipt receipt, long fromTicks)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (fromTicks - shard.SweptFromTicks >= Reports.ReportLimits.DuplicateWindow.Ticks / 4)
            {
                Sweep(shard, fromTicks);
            }

            if (shard.More is { } more && more.TryGetValue(key, out var many))
            {
                var kept = Array.FindAll(many, r => r.ReceivedAtTicks >= fromTicks);
                if (kept.Length == 0)
                {
                    more.Remove(key);
                    shard.One[key] = receipt;
                }
                else
                {
                    Array.Resize(ref kept, kept.Length + 1);
                    kept[^1] = receipt;
                    more[key] = kept;
                }
            }
            else if (shard.One.TryGetValue(key, out var one) && one.ReceivedAtTicks >= fromTicks)
            {
                shard.One.Remove(key);
                (shard.More ??= [])[key] = [one, receipt];
            }
            else
            {
                shard.One[key] = receipt;
            }
        }
    }

    /// <summary>The newest receipt of <paramref name="key"/> that <paramref name="match"/> accepts, if any.</summary>
    public bool TryFindNewest<TMatch>(AddressKey key, in TMatch match, out Receipt found)
        where TMatch : struct, IReceiptMatch
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.More is { } more && more.TryGetValue(key, out var many))
            {
                for (var i = many.Length - 1; i >= 0; i--)
                {
                    if (match.Matches(many[i]))
                    {
                        found = many[i];
                        return true;
                    }
                }
            }
            else if (shard.One.TryGetValue(key, out var one) && match.Matches(one))
            {
                found = one;
                return true;
            }
        }

        found = default;
        return false;
    }

    /// <summary>Appends the receipts of <paramref name="key"/>, oldest first, to <paramref name="into"/>.</summary>
    public void CopyTo(AddressKey key, List<Receipt> into)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.More is { } more && more.TryGetValue(key, out var many))
            {
                into.AddRange(many);
            }
            else if (shard.One.TryGetValue(key, out var one))
            {
                into.Add(one);
            }
        }
    }

    /// <summary>Drops every receipt of <paramref name="key"/> (the address was purged or reloaded).</summary>
    public void Remove(AddressKey key)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            shard.One.Remove(key);
            shard.More?.Remove(key);
        }
    }

    /// <summary>Drops every receipt received before <paramref name="fromTicks"/>.</summary>
    public void Sweep(long fromTicks)
    {
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                Sweep(shard, fromTicks);
            }
        }
    }

    /// <summary>Receipts held, over every address.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    count += shard.One.Count;
                    foreach (var many in shard.More?.Values ?? Enumerable.Empty<Receipt[]>())
                    {
                        count += many.Length;
                    }
                }
            }

            return count;
        }
    }

    private static void Sweep(Shard shard, long fromTicks)
    {
        shard.SweptFromTicks = fromTicks;
        var one = shard.One;
        var before = one.Count;
        foreach (var (key, receipt) in one)
        {
            if (receipt.ReceivedAtTicks < fromTicks)
            {
                one.Remove(key); // allowed while enumerating a Dictionary
            }
        }

        // A burst of new addresses grew the dictionary; once the window has passed it, give the space back.
        if (one.Count < before / 4)
        {
            one.TrimExcess();
        }

        if (shard.More is { } more)
        {
            foreach (var key in more.Keys)
            {
                ref var many = ref CollectionsMarshal.GetValueRefOrNullRef(more, key);
                if (many[^1].ReceivedAtTicks < fromTicks)
                {
                    more.Remove(key);
                }
                else if (many[0].ReceivedAtTicks < fromTicks)
                {
                    many = Array.FindAll(many, r => r.ReceivedAtTicks >= fromTicks);
                }
            }

            if (more.Count == 0)
            {
                shard.More = null;
            }
        }
    }
}

/// <summary>What a duplicate search accepts (a struct, so the search allocates no closure).</summary>
internal interface IReceiptMatch
{
    bool Matches(in Receipt receipt);
}

/// <summary>A report as duplicate detection sees it: who, when it arrived, which categories (as bits).</summary>
internal readonly record struct Receipt(long ReportId, long KeyId, long ReceivedAtTicks, ulong Categories)
{
    // Category ids are small (1–16); any id folds into one of 64 bits, so two reports never share a category unseen.
    public static ulong Bits(IReadOnlyList<int> categories)
    {
        ulong bits = 0;
        foreach (var id in categories)
        {
            bits |= 1UL << (id & 63);
        }

        return bits;
    }
}
