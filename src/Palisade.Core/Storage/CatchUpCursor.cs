namespace Palisade.Core.Storage;

/// <summary>
/// Where a node's catch-up on reports other nodes stored has got to, by report id: the highest id the store has shown it
/// and the ids below that it has not shown yet (gaps). A report's id is taken when its transaction inserts it, so a lower
/// id can commit after a higher one was read: each gap is asked for again on every catch-up until it shows up or
/// <see cref="GapLifetime"/> has passed (an id whose transaction rolled back never shows up). One catch-up then reads the
/// reports stored since the last one, where a window of receipt times re-read every report of the window each time.
/// </summary>
public sealed class CatchUpCursor(TimeSpan gapLifetime)
{
    /// <summary>Gaps kept at most: past it the oldest are forgotten (a store that skips ids wholesale, not a late commit).</summary>
    public const int MaxGaps = 100_000;

    private readonly SortedDictionary<long, DateTimeOffset> _gaps = [];

    /// <summary>How long an id below the highest seen is asked for again.</summary>
    public TimeSpan GapLifetime { get; } = gapLifetime;

    /// <summary>The highest id seen (ids above it are new), or null before the first catch-up.</summary>
    public long? Highest { get; private set; }

    /// <summary>The ids below <see cref="Highest"/> not seen yet, to ask for again.</summary>
    public IReadOnlyCollection<long> Gaps => _gaps.Keys;

    /// <summary>Where the first catch-up begins: ids above <paramref name="id"/> are new to this node (the store lists them
    /// in batches), those up to it were there when the node loaded. No effect once <see cref="Highest"/> is set.</summary>
    public void StartAfter(long id) => Highest ??= id;

    /// <summary>
    /// Takes in the ids one catch-up read, in ascending order: those above <see cref="Highest"/> and any of the
    /// <see cref="Gaps"/>. Gaps older than <see cref="GapLifetime"/> at <paramref name="now"/> are dropped.
    /// </summary>
    public void Saw(IReadOnlyList<long> ids, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var previous = Highest;
        foreach (var id in ids)
        {
            if (_gaps.Remove(id) || id <= previous)
            {
                continue;
            }

            // Every id between the last one seen and this one was taken by a transaction not committed when read.
            for (var skipped = Math.Max((previous ?? id - 1) + 1, id - MaxGaps); skipped < id; skipped++)
            {
                _gaps[skipped] = now;
            }

            previous = id;
        }

        Highest = previous;
        var expired = now - GapLifetime;
        foreach (var (id, since) in _gaps.ToList())
        {
            if (since < expired || _gaps.Count > MaxGaps)
            {
                _gaps.Remove(id);
            }
        }
    }
}
