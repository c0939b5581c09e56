using Palisade.Core.Reputation;

namespace Palisade.Core.Tests.Reputation;

/// <summary>The index's address table (issue 15): every address findable through growth, removals and re-adds, and
/// readers never miss an address that was there before they looked while a writer adds and removes others.</summary>
public sealed class AddressTableTests
{
    private static string Address(int i) => $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";

    [Fact]
    public void Every_address_added_is_found_after_the_table_grew_many_times()
    {
        var table = new AddressTable();
        for (var i = 0; i < 100_000; i++)
        {
            Assert.Same(table.GetOrAdd(Address(i), static a => new AddressReputation(a)), table.GetOrAdd(Address(i), static _ => throw new InvalidOperationException()));
        }

        Assert.Equal(100_000, table.Count);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(table.TryGetValue(Address(i), out var entry));
            Assert.Equal(Address(i), entry.Address);
        }

        Assert.False(table.ContainsKey("10.255.255.255"));
        Assert.Equal(100_000, table.Values.Count());
        Assert.Equal(100_000, table.Values.Select(e => e.Address).Distinct().Count());
    }

    [Fact]
    public void A_table_of_a_million_addresses_grows_a_segment_at_a_time_and_a_table_sized_for_them_never_grows()
    {
        // The report that crosses a growth mark copies only its segment: no array holds more than a few thousand slots.
        var table = new AddressTable();
        for (var i = 0; i < 1_000_000; i++)
        {
            table.GetOrAdd(Palisade.Core.Addresses.AddressKey.Parse($"198.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"));
        }

        Assert.Equal(1_000_000, table.Count);
        Assert.InRange(table.LargestSegment, 1, 3 * 1_000_000 / AddressTable.Segments);

        // A table sized for them (a snapshot read) takes them all without growing any segment.
        var listed = table.Values.Select(e => e.Key).ToList();
        var copy = new AddressTable(listed.Count, table.Seed);
        var sized = copy.LargestSegment;
        foreach (var key in listed)
        {
            Assert.True(copy.TryAdd(new AddressReputation(key)));
        }

        Assert.Equal(sized, copy.LargestSegment);
        Assert.True(listed.ToHashSet().SetEquals(copy.Values.Select(e => e.Key)));
    }

    [Fact]
    public void A_removed_address_is_gone_and_can_come_back_as_a_new_entry()
    {
        var table = new AddressTable();
        var first = table.GetOrAdd("192.0.2.1", static a => new AddressReputation(a));
        table.GetOrAdd("192.0.2.2", static a => new AddressReputation(a));

        Assert.True(table.TryRemove("192.0.2.1"));
        Assert.False(table.TryRemove("192.0.2.1"));
        Assert.False(table.ContainsKey("192.0.2.1"));
        Assert.True(table.ContainsKey("192.0.2.2"));
        Assert.Equal(1, table.Count);

        var again = table.GetOrAdd("192.0.2.1", static a => new AddressReputation(a));
        Assert.NotSame(first, again);
        Assert.Same(again, table.GetValueOrDefault("192.0.2.1"));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], table.Values.Select(e => e.Address).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Set_replaces_the_entry_of_an_address_and_TryAdd_refuses_a_second_one()
    {
        var table = new AddressTable();
        var old = new AddressReputation("2001:db8::1");
        Assert.True(table.TryAdd(old));
        Assert.False(table.TryAdd(new AddressReputation("2001:db8::1")));
        Assert.Same(old, table.GetValueOrDefault("2001:db8::1"));

        var fresh = new AddressReputation("2001:db8::1");
        table.Set(fresh);
        Assert.Same(fresh, table.GetValueOrDefault("2001:db8::1"));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void TryAdd_refuses_an_address_that_sits_past_removal_marks_and_reuses_a_mark_for_a_new_one()
    {
        // Thousands of addresses in a table that never grows (sized for them): probe runs are long, with removal marks
        // in them, so an address is often found only past a mark.
        const int Count = 6000;
        var table = new AddressTable(Count);
        var entries = Enumerable.Range(0, Count).Select(i => new AddressReputation(Address(i))).ToArray();
        Assert.All(entries, e => Assert.True(table.TryAdd(e)));
        for (var i = 0; i < Count; i += 2)
        {
            Assert.True(table.TryRemove(Address(i)));
        }

        for (var i = 1; i < Count; i += 2)
        {
            Assert.False(table.TryAdd(new AddressReputation(Address(i))));
            Assert.Same(entries[i], table.GetValueOrDefault(Address(i)));
        }

        Assert.Equal(Count / 2, table.Count);
        for (var i = 0; i < Count; i += 2)
        {
            Assert.True(table.TryAdd(new AddressReputation(Address(i))));
        }

        Assert.Equal(Count, table.Count);
        Assert.Equal(Count, table.Values.Select(e => e.Address).Distinct().Count());
    }

    [Fact]
    public void Churn_of_adds_and_removals_keeps_the_count_and_every_survivor()
    {
        // Removal marks are swept when they fill the table: a steady add/remove stream must neither lose entries nor grow forever.
        var table = new AddressTable();
        for (var i = 0; i < 200_000; i++)
        {
            table.GetOrAdd(Address(i), static a => new AddressReputation(a));
            if (i >= 1000)
            {
                Assert.True(table.TryRemove(Address(i - 1000)));
            }
        }

        Assert.Equal(1000, table.Count);
        Assert.Equal(Enumerable.Range(199_000, 1000).Select(Address).Order(StringComparer.Ordinal),
            table.Values.Select(e => e.Address).Order(StringComparer.Ordinal));
        Assert.False(table.ContainsKey(Address(198_999)));
    }

    [Fact]
    public async Task Readers_racing_a_writer_always_find_the_addresses_that_stay()
    {
        var table = new AddressTable();
        for (var i = 0; i < 5000; i++)
        {
            table.GetOrAdd(Address(i), static a => new AddressReputation(a));
        }

        var misses = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            // Adds (growing the table several times) and removes addresses other than the first 5,000.
            for (var i = 5000; i < 300_000; i++)
            {
                table.GetOrAdd(Address(i), static a => new AddressReputation(a));
                if (i % 3 == 0)
                {
                    table.TryRemove(Address(i));
                }
            }

            stop.Cancel();
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            for (var n = 0; !stop.IsCancellationRequested || n < 5000; n++)
            {
                if (!table.TryGetValue(Address((n * 7 + r) % 5000), out var entry) || entry.Address != Address((n * 7 + r) % 5000))
                {
                    Interlocked.Increment(ref misses);
                }
            }
        })).ToArray();
        await Task.WhenAll([writer, .. readers]);

        Assert.Equal(0, misses);
        Assert.Equal(5000 + Enumerable.Range(5000, 295_000).Count(i => i % 3 != 0), table.Count);
    }
}
