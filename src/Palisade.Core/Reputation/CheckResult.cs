using Palisade.Core.Addresses;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Reputation;

/// <summary>The engine's answer to "what do we know about this address", independent of any wire format. The reports
/// themselves (with their comments) are not part of it: <see cref="ReportHistory"/> reads them from the store when a
/// verbose answer shows them.</summary>
public sealed record CheckResult(
    NormalizedAddress Address,
    bool Found,
    int Score,
    ScoreBreakdown Breakdown,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long TotalSessions,
    long TotalEvents,
    IReadOnlyList<ProtocolActivity> Protocols,
    IReadOnlyList<BehaviourActivity> Behaviours,
    IReadOnlyList<PrimitiveActivity> Primitives,
    IReadOnlyList<CategoryActivity> Categories,
    IReadOnlyList<DailyCount> Timeline,
    WhitelistEntry? Whitelisted) : KeptAnswer
{
    /// <summary>The value <see cref="Keep"/> stored with this result, or null (none; a copy made with <c>with</c> starts
    /// without it, and <see cref="Keep"/> takes only a value made for this result).</summary>
    public CheckKeepsake? Kept() => Slot;

    /// <summary>Stores what a face made of this answer (e.g. its serialized form) with it, replacing what was kept.</summary>
    /// <exception cref="ArgumentException">The value was made for another result.</exception>
    public void Keep(CheckKeepsake value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceEquals(value.Owner, this))
        {
            throw new ArgumentException("A keepsake is kept with the result it was made for.", nameof(value));
        }

        Slot = value;
    }
}

/// <summary>
/// Where <see cref="CheckResult"/> keeps what a face made of it (its serialized bytes) while the index hands the result
/// out. Not part of the answer: equality ignores it and a copy made with <c>with</c> starts without it.
/// </summary>
/// <remarks>A base record because the runtime lays out a base's fields before the derived record's: the slot then shares
/// the first cache line with the fields a check validates (<see cref="CheckResult.Breakdown"/>), where as a field of
/// the result itself it was laid out last, 144 bytes in, a line of its own that every check of a cached answer missed
/// (docs/performance.md "Session 29").</remarks>
public abstract record KeptAnswer
{
    /// <summary>A new answer, nothing kept yet.</summary>
    protected KeptAnswer()
    {
    }

    /// <summary>A copy (<c>with</c>): it starts without what the original kept, which stays with the original.</summary>
    protected KeptAnswer(KeptAnswer original)
    {
    }

    // One reference (written whole, so a reader on another thread sees an old or a new value, never a mix).
    private protected CheckKeepsake? Slot { get; set; }

    // Until when (UTC ticks) the index hands this same answer out, set on the index's described answer before it is
    // published (0 otherwise: a copy, a filtered or an empty answer); ServedAnswers keeps a face's bytes of it that long.
    internal long HeldUntilTicks { get; set; }

    /// <inheritdoc/>
    public virtual bool Equals(KeptAnswer? other) => other is not null && EqualityContract == other.EqualityContract;

    /// <inheritdoc/>
    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>
/// What a face made of a <see cref="CheckResult"/> to serve it again, kept with it (<see cref="CheckResult.Keep"/>). It
/// names the result it was made for, and <see cref="CheckResult.Keep"/> keeps it with that result only; the face's own
/// fields are on the same object (a check of a cached answer reads one object, not a holder and then the value).
/// </summary>
public abstract class CheckKeepsake(CheckResult owner)
{
    /// <summary>The result this was made for.</summary>
    public CheckResult Owner { get; } = owner ?? throw new ArgumentNullException(nameof(owner));
}
