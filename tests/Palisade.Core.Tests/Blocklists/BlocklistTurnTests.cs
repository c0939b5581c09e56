using Palisade.Core.Blocklists;
using Palisade.Core.Reputation;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>
/// A score turn rescored in the background: reads meanwhile keep the previous turn's scores instead of scoring every
/// address themselves, new reports still show at once, and the list the turn leaves is the list a fresh build gives.
/// </summary>
public sealed class BlocklistTurnTests : IDisposable
{
    // A turn a day long: a day of decay moves many scores by a point or more (a ten-minute turn moves few).
    private static readonly TimeSpan Interval = TimeSpan.FromDays(1);
    private static readonly BlocklistQuery All = new() { ScoreMinimum = 0 };

    private readonly BlocklistFixture _f = new(new ReputationOptions { ScoreRefreshInterval = Interval });

    public void Dispose() => _f.Dispose();

    private DateTimeOffset NextTurn() => new((_f.Clock.UtcNow.UtcTicks / Interval.Ticks + 1) * Interval.Ticks, TimeSpan.Zero);

    // Well into the turn: the scores cached before it (up to half a day before) are more than an interval old by then.
    private static DateTimeOffset InTurn(DateTimeOffset turn) => turn + TimeSpan.FromHours(13);

    private static List<(string Address, int Score, int RawScore)> Listed(BlocklistSelection selection)
        => [.. selection.Select(e => (e.Address, e.Score, e.RawScore)).OrderBy(e => e.Address, StringComparer.Ordinal)];

    private List<(string Address, int Score, int RawScore)> FreshList()
        => Listed(new BlocklistEngine(_f.Index, _f.Geo, _f.Clock).Select(All));

    private void Load()
    {
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            _f.RandomReport(random, 2000);
        }

        _f.Engine.Select(All);
    }

    [Fact]
    public void Reads_during_an_announced_turn_keep_the_previous_scores_and_show_new_reports_without_a_full_build()
    {
        Load();
        var before = Listed(_f.Engine.Select(All));
        var full = _f.Engine.FullBuilds;
        var turn = NextTurn();
        _f.Engine.AnnounceTurn(turn);
        _f.Clock.UtcNow = InTurn(turn);

        // The turn has come and scores have decayed, but until it is built reads are answered from the previous turn's.
        Assert.Equal(before, Listed(_f.Engine.Select(All)));
        Assert.NotEqual(before, FreshList());
        _f.Report("45.200.0.1", category: 4, reporters: 3);
        Assert.Contains(_f.Engine.Select(All), e => e.Address == "45.200.0.1");
        Assert.Equal(full, _f.Engine.FullBuilds);

        var (scored, moved) = _f.Engine.ScoreTurn();
        Assert.Equal(_f.Index.Count, scored);
        Assert.InRange(moved, 1, scored - 1);
        _f.Engine.CompleteTurn();

        // Only the addresses whose score moved were built again, and the list is the one a fresh build gives.
        Assert.Equal(full, _f.Engine.FullBuilds);
        Assert.Equal(FreshList(), Listed(_f.Engine.Select(All)));
        _f.Engine.Select(All);
        Assert.Equal(full, _f.Engine.FullBuilds);
    }

    [Fact]
    public void Without_an_announced_turn_the_first_read_of_a_turn_scores_every_address_itself()
    {
        Load();
        var full = _f.Engine.FullBuilds;
        var turn = NextTurn();
        _f.Engine.AnnounceTurn(turn);
        _f.Engine.CancelTurn();
        _f.Clock.UtcNow = InTurn(turn);

        Assert.Equal(FreshList(), Listed(_f.Engine.Select(All)));
        Assert.Equal(full + 1, _f.Engine.FullBuilds);
    }

    [Fact]
    public void A_turn_scored_before_it_came_scores_nothing_and_its_completion_builds_every_address()
    {
        Load();
        var full = _f.Engine.FullBuilds;
        var turn = NextTurn();
        _f.Engine.AnnounceTurn(turn);

        Assert.Equal((0, 0), _f.Engine.ScoreTurn());
        _f.Clock.UtcNow = InTurn(turn);
        _f.Engine.CompleteTurn();

        Assert.Equal(full + 1, _f.Engine.FullBuilds);
        Assert.Equal(FreshList(), Listed(_f.Engine.Select(All)));
        Assert.Equal(full + 1, _f.Engine.FullBuilds);
    }
}
