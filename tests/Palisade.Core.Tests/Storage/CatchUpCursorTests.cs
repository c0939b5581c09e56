using Palisade.Core.Storage;

namespace Palisade.Core.Tests.Storage;

/// <summary>
/// A catch-up after the first reads only the reports stored since the last one: the ids above the highest seen, and the
/// ids skipped below it (taken by a transaction that had not committed) until they show up or their time is up.
/// </summary>
public sealed class CatchUpCursorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Before_any_catch_up_there_is_no_highest_id_and_no_gap()
    {
        var cursor = new CatchUpCursor(TimeSpan.FromSeconds(30));
        Assert.Null(cursor.Highest);
        cursor.Saw([], Start);
        Assert.Null(cursor.Highest);
        Assert.Empty(cursor.Gaps);
    }

    [Fact]
    public void The_first_catch_up_starts_after_the_id_the_store_gives_and_never_asks_for_the_ids_up_to_it()
    {
        var cursor = new CatchUpCursor(TimeSpan.FromSeconds(30));
        cursor.StartAfter(41);
        Assert.Equal(41, cursor.Highest);
        Assert.Empty(cursor.Gaps);

        // 42 is still open; 43 and 44 committed. A second start (a later catch-up) changes nothing.
        cursor.Saw([43, 44], Start);
        cursor.StartAfter(7);
        Assert.Equal(44, cursor.Highest);
        Assert.Equal([42L], cursor.Gaps);
    }

    [Fact]
    public void Ids_skipped_between_those_seen_are_asked_for_again_until_they_show_up()
    {
        var cursor = new CatchUpCursor(TimeSpan.FromSeconds(30));
        cursor.Saw([10, 11, 14, 15], Start);
        Assert.Equal(15, cursor.Highest);
        Assert.Equal([12L, 13L], cursor.Gaps);

        // 13 committed late, and 17 is still open while 16 and 18 committed.
        cursor.Saw([13, 16, 18], Start + TimeSpan.FromSeconds(5));
        Assert.Equal(18, cursor.Highest);
        Assert.Equal([12L, 17L], cursor.Gaps);
    }

    [Fact]
    public void A_gap_is_given_up_once_its_lifetime_has_passed()
    {
        var cursor = new CatchUpCursor(TimeSpan.FromSeconds(30));
        cursor.Saw([1, 3], Start);
        cursor.Saw([5], Start + TimeSpan.FromSeconds(20));
        Assert.Equal([2L, 4L], cursor.Gaps);
        cursor.Saw([], Start + TimeSpan.FromSeconds(31));
        Assert.Equal([4L], cursor.Gaps);
        cursor.Saw([], Start + TimeSpan.FromSeconds(51));
        Assert.Empty(cursor.Gaps);
        Assert.Equal(5, cursor.Highest);
    }

    [Fact]
    public void A_jump_in_ids_keeps_at_most_the_gap_limit()
    {
        var cursor = new CatchUpCursor(TimeSpan.FromSeconds(30));
        cursor.Saw([1, 10_000_000], Start);
        Assert.Equal(CatchUpCursor.MaxGaps, cursor.Gaps.Count);
        Assert.Equal(10_000_000 - 1, cursor.Gaps.Max());
        Assert.Equal(10_000_000, cursor.Highest);
    }
}
