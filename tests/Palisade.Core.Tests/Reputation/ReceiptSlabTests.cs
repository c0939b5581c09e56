using Palisade.Core.Reputation;
using Receipt = Palisade.Core.Reputation.AddressReputation.Receipt;

namespace Palisade.Core.Tests.Reputation;

/// <summary>Where the index keeps the duplicate-window receipts: one chain per address in shared chunks.</summary>
public sealed class ReceiptSlabTests
{
    // Receipts keep their time to the millisecond: the tests count in milliseconds.
    private static Receipt At(long id, long ms) => new(id, 1, Ticks(ms), 1);

    private static long Ticks(long ms) => ms * TimeSpan.TicksPerMillisecond;

    private static long[] Ids(ReceiptSlab slab, int head)
    {
        var ids = new List<long>();
        foreach (var receipt in slab.Read(head))
        {
            ids.Add(receipt.ReportId);
        }

        return [.. ids];
    }

    [Fact]
    public void Each_chain_reads_back_its_own_receipts_newest_first_and_oldest_first_for_a_snapshot()
    {
        var slab = new ReceiptSlab();
        int a = ReceiptSlab.None, b = ReceiptSlab.None;
        slab.Push(ref a, At(1, 100));
        slab.Push(ref b, At(2, 110));
        slab.Push(ref a, At(3, 120));
        slab.Push(ref a, At(4, 130));

        Assert.Equal([4, 3, 1], Ids(slab, a));
        Assert.Equal([2], Ids(slab, b));
        var oldestFirst = new List<Receipt>();
        slab.CopyOldestFirst(a, oldestFirst);
        Assert.Equal([1L, 3, 4], oldestFirst.Select(r => r.ReportId));
        Assert.Empty(Ids(slab, ReceiptSlab.None));
        Assert.Equal(4, slab.Count);
    }

    [Fact]
    public void A_receipt_takes_24_bytes_and_reads_back_every_field_to_the_millisecond()
    {
        // Every report of the last 15 minutes keeps one: at ten million in that window, each 8 bytes more is 80 MB.
        var slab = new ReceiptSlab();
        var head = ReceiptSlab.None;
        var receivedAt = new DateTimeOffset(2026, 12, 7, 6, 55, 12, 345, TimeSpan.Zero).AddTicks(6_789);
        var receipt = new Receipt(long.MaxValue - 1, int.MaxValue, receivedAt.UtcTicks, Receipt.Bits([1, 15, 16]));
        slab.Push(ref head, receipt);

        Assert.Equal(4_096 * 24, slab.BytesHeld);
        var read = new List<Receipt>();
        foreach (var each in slab.Read(head))
        {
            read.Add(each);
        }

        Assert.Equal(receipt with { ReceivedAtTicks = receivedAt.UtcTicks - 6_789 }, Assert.Single(read));
        Assert.Equal((1 << 1) | (1 << 15) | (1 << 0), receipt.Categories);
        Assert.Equal(receipt.Categories, Receipt.Fold((1UL << 1) | (1UL << 15) | (1UL << 16))); // as snapshots kept them before
        Assert.Throws<ArgumentOutOfRangeException>(() => slab.Push(ref head, receipt with { KeyId = (long)int.MaxValue + 1 }));
    }

    [Fact]
    public void Pruning_drops_only_the_receipts_past_the_window_wherever_they_sit_in_the_chain()
    {
        var slab = new ReceiptSlab();
        var head = ReceiptSlab.None;
        slab.Push(ref head, At(1, 100));
        slab.Push(ref head, At(2, 300)); // received out of order: a newer report committed first
        slab.Push(ref head, At(3, 150));
        slab.Push(ref head, At(4, 400));

        slab.Prune(ref head, Ticks(200));

        Assert.Equal([4, 2], Ids(slab, head));
        Assert.Equal(2, slab.Count);
        slab.Prune(ref head, Ticks(1_000));
        Assert.Equal(ReceiptSlab.None, head);
        Assert.Equal(0, slab.Count);
    }

    [Fact]
    public void Cleared_cells_are_handed_out_again_and_never_show_up_in_another_chain()
    {
        var slab = new ReceiptSlab();
        var heads = new int[10_000];
        for (var i = 0; i < heads.Length; i++)
        {
            slab.Push(ref heads[i], At(i, i));
        }

        for (var i = 0; i < heads.Length; i += 2)
        {
            slab.Clear(ref heads[i]);
            Assert.Equal(ReceiptSlab.None, heads[i]);
        }

        var held = slab.ChunksHeld;
        for (var i = 0; i < heads.Length; i += 2)
        {
            slab.Push(ref heads[i], At(100_000 + i, i));
        }

        Assert.Equal(held, slab.ChunksHeld); // the freed cells took them, no chunk was added
        for (var i = 0; i < heads.Length; i++)
        {
            Assert.Equal([i % 2 == 0 ? 100_000 + i : i], Ids(slab, heads[i]));
        }
    }

    [Fact]
    public void After_a_burst_expires_the_emptied_chunks_are_given_back_and_the_rest_keep_their_receipts()
    {
        var slab = new ReceiptSlab();
        var heads = new int[100_000];
        for (var i = 0; i < heads.Length; i++)
        {
            slab.Push(ref heads[i], At(i, i));
        }

        var burst = slab.BytesHeld;
        Assert.True(burst >= 100_000 * 24, $"{burst} bytes for 100,000 receipts");

        // All but the last thousand leave the window (as a purge finds them, address by address).
        for (var i = 0; i < heads.Length; i++)
        {
            slab.Prune(ref heads[i], Ticks(99_000));
        }

        Assert.Equal(1_000, slab.Count);
        Assert.True(slab.BytesHeld <= burst / 5, $"{slab.BytesHeld} of {burst} bytes still held for 1,000 receipts");
        for (var i = 99_000; i < heads.Length; i++)
        {
            Assert.Equal([i], Ids(slab, heads[i]));
        }

        // The next burst fills the room left before taking new chunks.
        var next = new int[50_000];
        for (var i = 0; i < next.Length; i++)
        {
            slab.Push(ref next[i], At(200_000 + i, 200_000 + i));
        }

        Assert.Equal(51_000, slab.Count);
        Assert.True(slab.BytesHeld <= burst * 6 / 10, $"{slab.BytesHeld} bytes for 51,000 receipts");
        Assert.Equal([99_500], Ids(slab, heads[99_500]));
        Assert.Equal([200_000 + 49_999], Ids(slab, next[^1]));
    }

    [Fact]
    public void Chains_changed_from_many_threads_at_once_keep_exactly_their_own_receipts()
    {
        var slab = new ReceiptSlab();
        var heads = new int[64];
        var gates = Enumerable.Range(0, heads.Length).Select(_ => new Lock()).ToArray();
        Parallel.For(0, 200_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, n =>
        {
            var chain = n % heads.Length;
            lock (gates[chain])
            {
                slab.Push(ref heads[chain], At(n, n));
                slab.Prune(ref heads[chain], Ticks(n - (heads.Length * 4))); // keeps this chain's last four or so
            }
        });

        for (var chain = 0; chain < heads.Length; chain++)
        {
            var ids = Ids(slab, heads[chain]);
            Assert.NotEmpty(ids);
            Assert.All(ids, id => Assert.Equal(chain, id % heads.Length));
        }

        Assert.Equal(heads.Sum(h => Ids(slab, h).Length), slab.Count);
    }
}
