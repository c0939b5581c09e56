using Palisade.Core.Collections;

namespace Palisade.Core.Tests.Collections;

/// <summary>The set the TAXII publisher keeps its pending addresses in: each added item is taken exactly once, whatever
/// adds race the take.</summary>
public sealed class ShardedSetTests
{
    [Fact]
    public void Items_added_twice_are_taken_once_and_the_set_is_empty_after_a_take()
    {
        var set = new ShardedSet<int>();
        Assert.True(set.IsEmpty);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(set.Add(i));
            Assert.False(set.Add(i));
        }

        Assert.Equal(10_000, set.Count);
        Assert.Equal(Enumerable.Range(0, 10_000), set.TakeAll().Order());
        Assert.True(set.IsEmpty);
        Assert.Empty(set.TakeAll());
        Assert.True(set.Add(5));
    }

    [Fact]
    public async Task Every_item_added_while_takes_run_is_taken_exactly_once()
    {
        var set = new ShardedSet<int>();
        var taken = new List<int>();
        var adding = Task.Run(() =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                set.Add(i);
            }
        });
        while (!adding.IsCompleted)
        {
            taken.AddRange(set.TakeAll());
        }

        await adding;
        taken.AddRange(set.TakeAll());
        Assert.Equal(200_000, taken.Count);
        Assert.Equal(Enumerable.Range(0, 200_000), taken.Order());
        Assert.True(set.IsEmpty);
    }
}
